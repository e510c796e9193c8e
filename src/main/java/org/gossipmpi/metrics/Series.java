package org.gossipmpi.metrics;

/** One line of a chart: a name and x and y values of equal length. */
public record Series(String name, double[] x, double[] y) {
    public Series {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length + " y values");
        }
    }
}
