package org.gossipmpi.metrics;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/** A PNG line plot of several named series (headless Java2D): loss against steps or against bits sent. */
public final class LinePlot {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    /** One line: x and y values of equal length. */
    public record Series(String name, double[] x, double[] y) {
    }

    private LinePlot() {
    }

    /** Draws the series; {@code logX} puts the x axis on a log10 scale (for bits). */
    public static void write(Path file, String title, String xLabel, String yLabel, boolean logX, List<Series> series)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        final int w = 960;
        final int h = 600;
        final int left = 90;
        final int right = 260;
        final int top = 50;
        final int bottom = 70;
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (logX && s.x[i] <= 0 || !Double.isFinite(s.y[i])) {
                    continue;
                }
                final double xv = logX ? Math.log10(s.x[i]) : s.x[i];
                x0 = Math.min(x0, xv);
                x1 = Math.max(x1, xv);
                y0 = Math.min(y0, s.y[i]);
                y1 = Math.max(y1, s.y[i]);
            }
        }
        if (!(x1 > x0)) {
            x1 = x0 + 1;
        }
        if (!(y1 > y0)) {
            y1 = y0 + 1;
        }
        final BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        final int pw = w - left - right;
        final int ph = h - top - bottom;
        g.drawRect(left, top, pw, ph);
        for (int k = 0; k <= 5; k++) {
            final double xv = x0 + (x1 - x0) * k / 5;
            final int px = left + pw * k / 5;
            g.drawLine(px, top + ph, px, top + ph + 5);
            g.drawString(logX ? String.format(Locale.ROOT, "1e%.1f", xv) : String.format(Locale.ROOT, "%.0f", xv),
                px - 20, top + ph + 20);
            final double yv = y0 + (y1 - y0) * k / 5;
            final int py = top + ph - ph * k / 5;
            g.drawLine(left - 5, py, left, py);
            g.drawString(String.format(Locale.ROOT, "%.4f", yv), left - 70, py + 4);
        }
        g.drawString(xLabel, left + pw / 2 - 40, h - 20);
        g.drawString(yLabel, 10, top - 10);
        g.setStroke(new BasicStroke(2f));
        for (int s = 0; s < series.size(); s++) {
            final Series sr = series.get(s);
            g.setColor(COLORS[s % COLORS.length]);
            int px = -1;
            int py = -1;
            for (int i = 0; i < sr.x.length; i++) {
                if (logX && sr.x[i] <= 0 || !Double.isFinite(sr.y[i])) {
                    continue;
                }
                final double xv = logX ? Math.log10(sr.x[i]) : sr.x[i];
                final int cx = left + (int) Math.round((xv - x0) / (x1 - x0) * pw);
                final int cy = top + ph - (int) Math.round((sr.y[i] - y0) / (y1 - y0) * ph);
                if (px >= 0) {
                    g.drawLine(px, py, cx, cy);
                }
                px = cx;
                py = cy;
            }
            g.fillRect(left + pw + 15, top + 10 + 20 * s, 14, 4);
            g.drawString(sr.name, left + pw + 35, top + 16 + 20 * s);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
