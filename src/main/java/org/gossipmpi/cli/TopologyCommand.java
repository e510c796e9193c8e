package org.gossipmpi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.gossipmpi.topology.MixingStep;
import org.gossipmpi.topology.Spectrum;
import org.gossipmpi.topology.Topologies;
import org.gossipmpi.topology.Topology;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gossip-mpi topology}: builds and checks a topology, prints every rank's neighbours and weights,
 * rho, beta, diameter and degrees, and optionally writes Graphviz. Runs in one process, no MPI.
 */
@Command(name = "topology", mixinStandardHelpOptions = true,
    description = "Print the neighbours and mixing weights of every rank, the spectral gap rho = 1 - |lambda_2(W)|,"
        + " beta = ||I - W||_2, diameter and degrees of a topology.")
final class TopologyCommand implements Callable<Integer> {
    @Option(names = "--kind", required = true, paramLabel = "SPEC",
        description = "Topology: " + Topologies.VALID_SPECS + ".")
    String kind;

    @Option(names = "--ranks", required = true, paramLabel = "N", description = "Number of ranks.")
    int ranks;

    @Option(names = "--dot", paramLabel = "FILE", description = "Also write the graph in Graphviz format.")
    Path dot;

    @Option(names = "--quiet", description = "Print only the summary, not every rank's row.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        final Topology topo = Topologies.parse(kind, ranks);
        final Spectrum sp = Spectrum.of(topo);
        final PrintWriter out = Main.out(spec);
        out.printf("topology %s: %d ranks%s%n", topo.name(), topo.size(),
            topo.isStatic() ? "" : ", time-varying with period " + topo.period());
        if (!quiet) {
            for (int t = 0; t < topo.period(); t++) {
                final MixingStep w = topo.step(t);
                if (!topo.isStatic()) {
                    out.printf("step t = %d (mod %d):%n", t, topo.period());
                }
                for (int i = 0; i < topo.size(); i++) {
                    final StringBuilder row = new StringBuilder();
                    row.append(String.format("  rank %d: self %.6f", i, w.selfWeight(i)));
                    for (int k = 0; k < w.recvFrom(i).length; k++) {
                        row.append(String.format(", %d: %.6f", w.recvFrom(i)[k], w.recvWeights(i)[k]));
                    }
                    if (!topo.isSymmetric()) {
                        row.append("; sends to ").append(java.util.Arrays.toString(w.sendTo(i)));
                    }
                    out.println(row);
                }
            }
        }
        out.printf(java.util.Locale.ROOT, sp.rho >= 1e-3 || sp.rho == 0 || Double.isNaN(sp.rho)
            ? "rho = %.4f (spectral gap 1 - |lambda_2|)%n" : "rho = %.4e (spectral gap 1 - |lambda_2|)%n", sp.rho);
        out.printf("beta = %.4f (||I - W||_2)%n", sp.beta);
        out.printf("diameter = %d, degree %d..%d, computed by %s%n", sp.diameter, sp.minDegree, sp.maxDegree,
            sp.method);
        if (dot != null) {
            Files.writeString(dot, toDot(topo), StandardCharsets.UTF_8);
            out.println("wrote " + dot);
        }
        out.flush();
        return 0;
    }

    static String toDot(Topology topo) {
        final StringBuilder sb = new StringBuilder();
        final boolean directed = !topo.isSymmetric();
        sb.append(directed ? "digraph" : "graph").append(" \"").append(topo.name()).append("\" {\n");
        for (int i = 0; i < topo.size(); i++) {
            sb.append("  ").append(i).append(";\n");
        }
        for (int t = 0; t < topo.period(); t++) {
            final MixingStep w = topo.step(t);
            for (int i = 0; i < topo.size(); i++) {
                for (int k = 0; k < w.recvFrom(i).length; k++) {
                    final int j = w.recvFrom(i)[k];
                    if (directed) {
                        sb.append(String.format("  %d -> %d [label=\"%.3g\"%s];%n", j, i, w.recvWeights(i)[k],
                            topo.isStatic() ? "" : ", taillabel=\"t=" + t + "\""));
                    } else if (j > i) {
                        sb.append(String.format("  %d -- %d [label=\"%.3g\"];%n", i, j, w.recvWeights(i)[k]));
                    }
                }
            }
        }
        return sb.append("}\n").toString();
    }
}
