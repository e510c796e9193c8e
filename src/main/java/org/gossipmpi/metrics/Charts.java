package org.gossipmpi.metrics;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts drawn with XChart: grid, readable ticks, a marker on every point (evaluation points, for
 * training curves), series colours given by their position so that one run keeps its colour across the
 * charts of one report. PNG always, SVG on request; files are written whole (temporary file, then renamed).
 */
public final class Charts {
    /** Tableau's ten colours: distinguishable, and readable on white. */
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
        SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN};

    /** How a chart is laid out: titles and which axes are logarithmic. */
    public record Layout(String title, String xTitle, String yTitle, boolean logX, boolean logY) {
    }

    private Charts() {
    }

    /**
     * Draws {@code series} into {@code png} (and the same chart as SVG beside it when {@code svg}), and
     * returns the files written. Points a logarithmic axis cannot show (zero, negative) and non-finite ones
     * are left out; a series left with no point keeps its colour but draws nothing. Nothing is written when
     * no series has a point.
     */
    public static List<Path> write(Path png, Layout layout, List<Series> series, boolean svg) throws IOException {
        final XYChart chart = new XYChartBuilder().width(960).height(600).title(layout.title())
            .xAxisTitle(layout.xTitle()).yAxisTitle(layout.yTitle()).build();
        final XYStyler s = chart.getStyler();
        s.setXAxisLogarithmic(layout.logX());
        s.setYAxisLogarithmic(layout.logY());
        s.setPlotGridLinesVisible(true);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xdddddd));
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setMarkerSize(6);
        s.setXAxisDecimalPattern(layout.logX() ? "0.#E0" : "#,##0.###");
        s.setYAxisDecimalPattern(layout.logY() ? "0.#E0" : "#,##0.####");
        int drawn = 0;
        for (int i = 0; i < series.size(); i++) {
            final Series one = series.get(i);
            final double[][] kept = drawable(one, layout);
            if (kept[0].length == 0) {
                continue;
            }
            final XYSeries line = chart.addSeries(one.name(), kept[0], kept[1]);
            final Color color = COLORS[i % COLORS.length];
            line.setLineColor(color);
            line.setMarkerColor(color);
            line.setMarker(MARKERS[i / COLORS.length % MARKERS.length]);
            line.setLineStyle(new BasicStroke(2f));
            drawn++;
        }
        if (drawn == 0) {
            return List.of();
        }
        final List<Path> written = new ArrayList<>();
        writeWhole(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
        written.add(png);
        if (svg) {
            final String name = png.getFileName().toString();
            final Path file = png.resolveSibling(name.substring(0, name.length() - ".png".length()) + ".svg");
            writeWhole(file, out -> VectorGraphicsEncoder.saveVectorGraphic(chart, out,
                VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
            written.add(file);
        }
        return written;
    }

    private static double[][] drawable(Series series, Layout layout) {
        int n = 0;
        final double[] x = new double[series.x().length];
        final double[] y = new double[series.y().length];
        for (int i = 0; i < x.length; i++) {
            final double a = series.x()[i];
            final double b = series.y()[i];
            if (Double.isFinite(a) && Double.isFinite(b) && (!layout.logX() || a > 0) && (!layout.logY() || b > 0)) {
                x[n] = a;
                y[n] = b;
                n++;
            }
        }
        return new double[][] {java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n)};
    }

    private interface Encoder {
        void encode(OutputStream out) throws IOException;
    }

    private static void writeWhole(Path file, Encoder encoder) throws IOException {
        org.gossipmpi.io.AtomicFiles.write(file, false, encoder::encode);
    }
}
