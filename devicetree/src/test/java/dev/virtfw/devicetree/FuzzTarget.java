package dev.virtfw.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the fuzz tests run on one input: the reader may refuse it only with
 * {@link DtbFormatException}; a tree it accepts must print, validate, write and read back to the
 * same tree and the same DTS text.
 */
final class FuzzTarget {
    private FuzzTarget() {}

    /** Returns true if the input was accepted. */
    static boolean run(byte[] input) {
        DeviceTree tree;
        try {
            tree = Dtb.parse(input);
        } catch (DtbFormatException expected) {
            assertThat(expected.offset()).isBetween(0L, (long) input.length);
            return false;
        }
        String dts = DtsPrinter.print(tree);
        Validator.validate(tree, Validator.Options.forMachine());
        byte[] again = Dtb.write(tree);
        DeviceTree back = Dtb.parse(again);
        assertThat(DtsPrinter.print(back)).isEqualTo(dts);
        assertThat(TreeDiff.compare(tree, back)).isEmpty();
        return true;
    }
}
