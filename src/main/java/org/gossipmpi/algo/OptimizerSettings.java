package org.gossipmpi.algo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.gossipmpi.collective.AllreduceAverage;
import org.gossipmpi.config.SettingException;
import org.gossipmpi.kernel.Devices;

/**
 * The settings of one rank's decentralized optimizer, checked once, at construction, with the rules the library
 * and the command line share (each refusal names its setting). The topology is a spec ({@code ring},
 * {@code torus:4x4}, ...) or the caller's own edge list ({@code edges}, with {@code weights} or Metropolis-Hastings
 * weights when null).
 *
 * @param codecThreads threads the codec passes split over (they do not change the payloads)
 * @param device       where the quantizers run; null for the default choice ({@link Devices#choose})
 * @param allreduce    whose all-reduce the {@code allreduce} algorithm sums with: the MPI library's or gossip-mpi's
 *                     ring ({@link AllreduceAverage.Kind}); the others refuse the ring
 */
public record OptimizerSettings(String algorithm, String compressor, String topology, int[][] edges, double[] weights,
                                double gamma, long seed, LocalStep.Kind momentumKind, double momentum, boolean overlap,
                                int codecThreads, Devices.Kind device, AllreduceAverage.Kind allreduce) {

    public OptimizerSettings {
        Algorithms.checkKnown(algorithm);
        if (compressor == null || compressor.isBlank()) {
            throw new SettingException("compressor", "{compressor} is empty; give one of the compressors");
        }
        if ((topology == null) == (edges == null)) {
            throw new SettingException("topology", "give a {topology} spec or the caller's own edges, one of them");
        }
        if (weights != null && weights.length != edges.length) {
            throw new SettingException("topology", "the custom {topology} has " + edges.length + " edges but "
                + weights.length + " weights");
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new SettingException("gamma", "{gamma} must be in (0, 1], got " + gamma);
        }
        LocalStep.check(momentumKind, momentum);
        org.gossipmpi.compress.CodecThreads.check(codecThreads);
        AllreduceAverage.Kind.check(allreduce, algorithm);
        if (overlap && algorithm.equals("allreduce") && allreduce != AllreduceAverage.Kind.RING) {
            throw new SettingException("overlap", "{overlap} with allreduce sums the gradient in buckets while it is"
                + " computed, on gossip-mpi's ring: add {allreduce} ring (MPI_Allreduce sums the whole gradient once it"
                + " is complete)");
        }
    }

    /** The topology as its spec, or {@code custom:} with the digest of the caller's edges and weights. */
    public String topologyName() {
        if (topology != null) {
            return topology;
        }
        final int[] flat = new int[2 * edges.length];
        for (int k = 0; k < edges.length; k++) {
            flat[2 * k] = edges[k][0];
            flat[2 * k + 1] = edges[k][1];
        }
        return String.format(Locale.ROOT, "custom:%d-edges:%08x", edges.length,
            31 * Arrays.hashCode(flat) + (weights == null ? 0 : Arrays.hashCode(weights)));
    }

    /**
     * The settings that shape the trajectory, {name, value} each, in a fixed order: what every rank must agree on
     * (with the dimension and the rank count), and what a saved state must have been saved under. The codec
     * threads are left out: they do not change a byte.
     */
    public List<String[]> fields() {
        final List<String[]> f = new ArrayList<>();
        f.add(new String[] {"algorithm", algorithm});
        f.add(new String[] {"compressor", compressor});
        f.add(new String[] {"topology", topologyName()});
        f.add(new String[] {"gamma", Double.toString(gamma)});
        f.add(new String[] {"seed", Long.toString(seed)});
        f.add(new String[] {"momentum", momentumKind + " " + momentum});
        f.add(new String[] {"overlap", Boolean.toString(overlap)});
        f.add(new String[] {"device", String.valueOf(device)});
        return f;
    }
}
