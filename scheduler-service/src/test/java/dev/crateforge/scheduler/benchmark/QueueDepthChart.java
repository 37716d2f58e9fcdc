package dev.crateforge.scheduler.benchmark;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The plot of {@link AssignmentBenchmark}: assignment rate and its ceiling (left axis) and the
 * paced p99 (right axis) against queue depth on a log axis. Headless.
 */
final class QueueDepthChart {

    private QueueDepthChart() {}

    static void write(List<AssignmentBenchmark.Point> points, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries rate = new XYSeries("assignments/s (Kafka → scheduler → Kafka)");
        XYSeries ceiling = new XYSeries("ceiling: bare SKIP LOCKED claims/s");
        XYSeries p99 = new XYSeries("p99 at 100 requests/s (ms)");
        for (AssignmentBenchmark.Point point : points) {
            rate.add(point.depth(), point.rate());
            ceiling.add(point.depth(), point.ceiling());
            p99.add(point.depth(), point.p99());
        }
        XYSeriesCollection rates = new XYSeriesCollection();
        rates.addSeries(rate);
        rates.addSeries(ceiling);
        XYSeriesCollection latencies = new XYSeriesCollection();
        latencies.addSeries(p99);

        LogAxis depth = new LogAxis("queued jobs");
        depth.setBase(10);
        depth.setTickUnit(new NumberTickUnit(1));
        depth.setSmallestValue(1);
        depth.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        NumberAxis perSecond = new NumberAxis("per second");
        perSecond.setAutoRangeIncludesZero(true);
        NumberAxis milliseconds = new NumberAxis("p99 latency (ms)");
        milliseconds.setAutoRangeIncludesZero(true);

        XYLineAndShapeRenderer left = new XYLineAndShapeRenderer(true, true);
        left.setSeriesPaint(0, new Color(0x1f77b4));
        left.setSeriesPaint(1, new Color(0x7f7f7f));
        left.setSeriesStroke(0, new BasicStroke(2.5f));
        left.setSeriesStroke(
                1,
                new BasicStroke(
                        2f,
                        BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_MITER,
                        10f,
                        new float[] {6f, 4f},
                        0f));
        XYLineAndShapeRenderer right = new XYLineAndShapeRenderer(true, true);
        right.setSeriesPaint(0, new Color(0xd62728));
        right.setSeriesStroke(0, new BasicStroke(2.5f));

        XYPlot plot = new XYPlot(rates, depth, perSecond, left);
        plot.setRangeAxis(1, milliseconds);
        plot.setDataset(1, latencies);
        plot.setRenderer(1, right);
        plot.mapDatasetToRangeAxis(1, 1);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

        JFreeChart chart =
                new JFreeChart(
                        "Scheduler assignments against queue depth",
                        JFreeChart.DEFAULT_TITLE_FONT,
                        plot,
                        true);
        chart.setBackgroundPaint(Color.WHITE);
        Files.createDirectories(png.getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 540);
    }
}
