package org.gossipmpi.compress;

/** What every compressor states about itself: its spec, header id and parameter, and whether it is unbiased. */
abstract class AbstractCompressor implements Compressor {
    private final String spec;
    private final int id;
    private final int parameter;
    private final boolean unbiased;

    AbstractCompressor(String spec, int id, int parameter, boolean unbiased) {
        this.spec = spec;
        this.id = id;
        this.parameter = parameter;
        this.unbiased = unbiased;
    }

    @Override
    public final String spec() {
        return spec;
    }

    @Override
    public final int id() {
        return id;
    }

    @Override
    public final int headerParameter() {
        return parameter;
    }

    @Override
    public final boolean unbiased() {
        return unbiased;
    }
}
