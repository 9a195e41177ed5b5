package dev.virtfw.machine.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Draws the table as a PNG: for every row compared with QEMU, how many times faster ours is
 * (median of the per-round ratios; above 1 ours is faster), on a logarithmic axis with a line at 1.
 */
public final class BenchChart {
    public static final int WIDTH = 1100;
    public static final int ROW_HEIGHT = 22;

    private BenchChart() {}

    /** The number of bars {@link #write} draws for {@code table}. */
    public static int bars(BenchTable table) {
        return (int) table.rows().stream().filter(r -> !Double.isNaN(r.oursSpeedup())).count();
    }

    public static void write(BenchTable table, String title, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Row r : table.rows()) {
            double s = r.oursSpeedup();
            if (!Double.isNaN(s) && s > 0 && !Double.isInfinite(s)) {
                data.addValue(s, "ours vs QEMU", r.metric());
            }
        }
        LogAxis axis = new LogAxis("times faster than QEMU (above 1: ours faster)");
        axis.setBase(10);
        axis.setSmallestValue(1e-3);
        axis.setNumberFormatOverride(new java.text.DecimalFormat("0.###"));
        CategoryAxis categories = new CategoryAxis();
        categories.setMaximumCategoryLabelWidthRatio(0.45f);
        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, new Color(0x3b6ea5));
        bars.setBase(1.0);
        CategoryPlot plot = new CategoryPlot(data, categories, axis, bars);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.addRangeMarker(new ValueMarker(1.0, Color.RED, new BasicStroke(1.5f)));
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        int height = 120 + ROW_HEIGHT * Math.max(1, data.getColumnCount());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, height);
    }
}
