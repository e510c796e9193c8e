package org.gossipmpi.bench;

import java.io.PrintWriter;

import org.gossipmpi.data.Dataset;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.kernel.Gemm;
import org.gossipmpi.kernel.GemmReference;
import org.gossipmpi.model.Batch;
import org.gossipmpi.model.LinearModel;
import org.gossipmpi.model.Mlp;
import org.gossipmpi.model.Model;
import org.gossipmpi.model.SoftmaxRegression;

/**
 * Gradient throughput (samples per second) of every dense model for several batch sizes, on each device,
 * in one process: each measurement runs lossAndGradient repeatedly for at least {@code seconds} after a
 * warm-up, on batches drawn from the given data. Prints CSV.
 */
public final class GradientBenchmark {
    public static final String HEADER = "model,device,batch,features,parameters,iterations,samples_per_s,us_per_batch";

    private final Dataset data;
    private final int hidden;
    private final double lambda;
    private final double seconds;
    private final PrintWriter out;

    public GradientBenchmark(Dataset data, int hidden, double lambda, double seconds, PrintWriter out) {
        this.data = data;
        this.hidden = hidden;
        this.lambda = lambda;
        this.seconds = seconds;
        this.out = out;
    }

    /**
     * Every model on every device for every batch size; {@code java} measures the Java product this JVM runs
     * and, where that is the Vector API one, the reference twin beside it.
     */
    public void run(String[] models, int[] batches, Devices.Kind[] devices) {
        for (String name : models) {
            for (Devices.Kind kind : devices) {
                final Gemm gemm = Devices.gemm(Devices.choose(kind));
                measure(name, gemm, batches);
                if (kind == Devices.Kind.java && !(gemm instanceof GemmReference)) {
                    measure(name, new GemmReference(), batches);
                }
            }
        }
    }

    private void measure(String name, Gemm gemm, int[] batches) {
        final String device = gemm.describe();
        final Model model = model(name, gemm);
        final float[] w = new float[model.dimension()];
        model.initialize(w, 1);
        final float[] g = new float[model.dimension()];
        for (int b : batches) {
            final Batch batch = new Batch(data);
            int next = 0;
            for (int i = 0; i < 20; i++) { // warm-up (JIT, kernel compilation)
                model.lossAndGradient(w, batch.fill(data, null, next, b), g);
                next = (next + b) % (data.rows() - b);
            }
            long iterations = 0;
            final long start = System.nanoTime();
            long elapsed;
            do {
                model.lossAndGradient(w, batch.fill(data, null, next, b), g);
                next = (next + b) % (data.rows() - b);
                iterations++;
                elapsed = System.nanoTime() - start;
            } while (elapsed < seconds * 1e9);
            out.printf("%s,%s,%d,%d,%d,%d,%.0f,%.1f%n", name, device, b, data.cols(), model.dimension(),
                iterations, iterations * b / (elapsed / 1e9), elapsed / 1e3 / iterations);
            out.flush();
        }
    }

    private Model model(String name, Gemm gemm) {
        final int classes = Math.max(2, data.classes());
        switch (name) {
            case "logistic":
                return LinearModel.logistic(data.cols(), lambda, gemm);
            case "leastsquares":
                return LinearModel.leastSquares(data.cols(), lambda, gemm);
            case "softmax":
                return new SoftmaxRegression(data.cols(), classes, lambda, gemm);
            case "mlp":
                return new Mlp(data.cols(), hidden, classes, lambda, gemm);
            default:
                throw new IllegalArgumentException("unknown model '" + name + "'; valid: logistic, leastsquares,"
                    + " softmax, mlp");
        }
    }
}
