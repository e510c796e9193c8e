package org.gossipmpi.djl;

import java.util.List;
import org.gossipmpi.config.SettingException;
import org.gossipmpi.model.Model;
import org.gossipmpi.model.ModelProvider;

/**
 * Adds the {@link Networks} to {@code train --model} when this module is on the class path
 * ({@code bin/gossip-mpi-djl}). PyTorch's threads per rank: {@code OMP_NUM_THREADS} when set (as PyTorch
 * itself reads it; a batch script sets it from the cores each rank owns), else one, with one inter-op thread.
 */
public final class DjlModels implements ModelProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public DjlModels() {
    }

    @Override
    public List<String> names() {
        return Networks.NAMES;
    }

    @Override
    public Model create(String name, int features, int classes, double l2) {
        if (features != Networks.IMAGE * Networks.IMAGE) {
            throw new SettingException("data", "{model} " + name + " takes " + Networks.IMAGE + "x" + Networks.IMAGE
                + " grayscale images (" + Networks.IMAGE * Networks.IMAGE + " features per row); the data has "
                + features + " features");
        }
        useThreads();
        return new DjlModel(name, Networks.of(name, classes), l2);
    }

    /** PyTorch's threads, read by DJL's engine when it starts (the first model of the process). */
    static void useThreads() {
        final String omp = System.getenv("OMP_NUM_THREADS");
        final String threads = omp == null || omp.isBlank() ? "1" : omp.trim();
        try {
            if (Integer.parseInt(threads) < 1) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("OMP_NUM_THREADS='" + omp + "': PyTorch's threads per rank must be"
                + " a whole number >= 1");
        }
        System.setProperty("ai.djl.pytorch.num_threads", threads);
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
}
