package dev.virtfw.machine.bench;

/**
 * One line of the benchmark table. {@code ours} and {@code qemu} are medians with spread over the
 * rounds; {@code ratio} is the median of the per-round ratios ours/QEMU (each round's two sides ran
 * back to back, so drift of the machine's speed cancels). Any of the three may be null.
 *
 * @param section      the table's part (throughput, access cost, boot, memory...)
 * @param metric       what was measured, with the item size where there is one
 * @param unit         MiB/s, ns, ms, MiB, x, fraction
 * @param higherBetter whether a larger value is better (throughput) or worse (time)
 * @param note         what the row compares against or a reference figure
 */
public record Row(String section, String metric, String unit, boolean higherBetter, Summary ours, Summary qemu,
                  Summary ratio, String note) {
    /** The key of the row in the CSV and in tests: section and metric. */
    public String key() {
        return section + "/" + metric;
    }

    /**
     * How much faster ours is than QEMU on this row (&gt; 1: ours faster), from the median ratio;
     * NaN without a ratio.
     */
    public double oursSpeedup() {
        if (ratio == null) {
            return Double.NaN;
        }
        return higherBetter ? ratio.median() : 1 / ratio.median();
    }
}
