package org.gossipmpi.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.gossipmpi.api.GossipWorld;

/**
 * The parameters of an initialized DJL {@link Block} seen as one float vector, the vector that gossip-mpi's
 * {@code Decentralized.step} and {@code mix} work on: {@link #gather} copies the parameters into it and
 * {@link #scatter} writes it back, in the block's parameter order.
 *
 * <p>On the CPU, DJL's PyTorch engine hands out a direct buffer over a dense tensor's own storage; the vector
 * keeps one such view per parameter, taken once, so {@link #gather} and {@link #scatter} are plain copies
 * that allocate nothing. A view is checked to alias its tensor when it is taken; a parameter whose tensor
 * cannot be viewed that way (a GPU tensor, a non-contiguous one) is copied through the engine instead, which
 * allocates a buffer per step and is said by {@link #copiedParameters()}. Whatever replaces a tensor's
 * storage rather than writing into it (for instance {@code NDArray.set}, or an optimizer that is not in
 * place; DJL's SGD and Adam on PyTorch update in place) makes the vector stale: build a new one then.
 *
 * <p>Parameters without gradients (BatchNorm's running mean and variance) are included or left out as
 * {@link Buffers} says. Not thread-safe; one per rank.
 */
public final class ParameterVector {

    /** What happens to parameters that have no gradient (BatchNorm's running statistics). */
    public enum Buffers {
        /** They are part of the vector: gossiped and averaged with the weights, so ranks agree on them. */
        MIX,
        /** They are left out: every rank keeps the statistics of its own shard. */
        LOCAL
    }

    private final String[] names;
    private final Shape[] shapes;
    private final NDArray[] arrays;
    private final FloatBuffer[] views;
    private final int[] offsets;
    private final int dimension;
    private final int copied;

    private ParameterVector(List<String> names, List<NDArray> arrays) {
        final int n = names.size();
        this.names = names.toArray(new String[0]);
        this.arrays = arrays.toArray(new NDArray[0]);
        this.shapes = new Shape[n];
        this.views = new FloatBuffer[n];
        this.offsets = new int[n + 1];
        int copiedCount = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
            final NDArray array = this.arrays[i];
            if (array.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("parameter '" + this.names[i] + "' is " + array.getDataType()
                    + ": gossip-mpi mixes float32 parameters; convert the block with toType(DataType.FLOAT32)");
            }
            shapes[i] = array.getShape();
            offsets[i] = (int) total;
            total += shapes[i].size();
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the block has more than " + (Integer.MAX_VALUE - 8)
                    + " parameters, more than one Java float array holds");
            }
            views[i] = aliasingView(array);
            if (views[i] == null) {
                copiedCount++;
            }
        }
        offsets[n] = (int) total;
        this.dimension = (int) total;
        this.copied = copiedCount;
    }

    /**
     * The vector of an initialized block's parameters: every parameter with a gradient and, with
     * {@link Buffers#MIX}, those without one too.
     *
     * @throws IllegalArgumentException if a parameter is not initialized or not float32
     */
    public static ParameterVector of(Block block, Buffers buffers) {
        final ParameterList list = block.getParameters();
        final List<String> names = new ArrayList<>();
        final List<NDArray> arrays = new ArrayList<>();
        for (Pair<String, Parameter> entry : list) {
            final Parameter parameter = entry.getValue();
            if (!parameter.isInitialized()) {
                throw new IllegalArgumentException("parameter '" + entry.getKey() + "' is not initialized:"
                    + " initialize the block (block.initialize(manager, DataType.FLOAT32, inputShape)) first");
            }
            if (parameter.requiresGradient() || buffers == Buffers.MIX) {
                names.add(entry.getKey());
                arrays.add(parameter.getArray());
            }
        }
        return new ParameterVector(names, arrays);
    }

    /**
     * The vector of an initialized block's parameters without gradients only (BatchNorm's running mean and
     * variance): the state a rank keeps beside the vector of {@link Buffers#LOCAL}. Empty when there are none.
     */
    public static ParameterVector withoutGradients(Block block) {
        final List<String> names = new ArrayList<>();
        final List<NDArray> arrays = new ArrayList<>();
        for (Pair<String, Parameter> entry : block.getParameters()) {
            final Parameter parameter = entry.getValue();
            if (!parameter.requiresGradient()) {
                names.add(entry.getKey());
                arrays.add(parameter.getArray());
            }
        }
        return new ParameterVector(names, arrays);
    }

    /**
     * The vector of this vector's gradients, in the same order and layout: {@link #gather} copies the gradients
     * that the last backward pass left. PyTorch accumulates a gradient into the same tensor once it exists, so
     * the views stay valid while the gradients are zeroed in place ({@link #zero}) between steps.
     *
     * @throws IllegalStateException if a parameter has no gradient yet (before the first backward pass)
     */
    public ParameterVector gradients() {
        final List<NDArray> grads = new ArrayList<>(arrays.length);
        for (int i = 0; i < arrays.length; i++) {
            final NDArray g = arrays[i].getGradient();
            if (g == null || !g.getShape().equals(shapes[i])) {
                throw new IllegalStateException("parameter '" + names[i] + "' has no gradient: run a backward pass"
                    + " over a loss that uses every parameter first");
            }
            grads.add(g);
        }
        return new ParameterVector(List.of(names), grads);
    }

    /** Sets every element to zero, in place. */
    public void zero() {
        for (int i = 0; i < names.length; i++) {
            final int length = offsets[i + 1] - offsets[i];
            if (views[i] != null) {
                for (int j = 0; j < length; j++) {
                    views[i].put(j, 0f);
                }
            } else {
                arrays[i].subi(arrays[i]);
            }
        }
    }

    /** The number of floats in the vector. */
    public int dimension() {
        return dimension;
    }

    /** The number of parameters in the vector. */
    public int parameters() {
        return names.length;
    }

    /** The name of parameter {@code i}, in the block's order. */
    public String name(int i) {
        return names[i];
    }

    /** The shape of parameter {@code i}. */
    public Shape shape(int i) {
        return shapes[i];
    }

    /** The offset of parameter {@code i} in the vector. */
    public int offset(int i) {
        return offsets[i];
    }

    /** The parameters copied through the engine at every gather and scatter (0 on the CPU). */
    public int copiedParameters() {
        return copied;
    }

    /** Copies every parameter into {@code x[0, dimension)}. */
    public void gather(float[] x) {
        checkLength(x);
        for (int i = 0; i < names.length; i++) {
            final int length = offsets[i + 1] - offsets[i];
            if (views[i] != null) {
                views[i].get(0, x, offsets[i], length);
            } else {
                arrays[i].toByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer().get(x, offsets[i], length);
            }
        }
    }

    /** Writes {@code x[0, dimension)} back into the parameters. */
    public void scatter(float[] x) {
        checkLength(x);
        for (int i = 0; i < names.length; i++) {
            final int length = offsets[i + 1] - offsets[i];
            if (views[i] != null) {
                views[i].put(0, x, offsets[i], length);
            } else {
                final float[] part = new float[length];
                System.arraycopy(x, offsets[i], part, 0, length);
                arrays[i].set(part);
            }
        }
    }

    /**
     * Checks that every rank built the same network: the same parameters, in the same order, with the same
     * shapes, as rank 0. Every rank takes part; all of them throw if any differs, the differing ones naming
     * the parameter and both shapes.
     *
     * @throws IllegalStateException if the ranks' networks differ
     */
    public void checkSameOnAllRanks(GossipWorld world) {
        final float[] mine = signature();
        final float[] length = {mine.length};
        world.broadcast(length, 0);
        final float[] root = new float[(int) length[0]];
        if (world.rank() == 0) {
            System.arraycopy(mine, 0, root, 0, mine.length);
        }
        world.broadcast(root, 0);
        final String difference = difference(root);
        final float[] agree = {difference == null ? 1f : 0f};
        world.average(agree, agree);
        if (difference != null) {
            throw new IllegalStateException("rank " + world.rank() + ": " + difference
                + "; every rank must build the same network");
        }
        if (agree[0] < 1f) {
            throw new IllegalStateException("rank " + world.rank() + ": another rank's network differs from rank"
                + " 0's (that rank names the parameter); every rank must build the same network");
        }
    }

    /** This rank's network as floats: the count, then per parameter a 24-bit name hash, the rank and dims. */
    private float[] signature() {
        int length = 1;
        for (Shape shape : shapes) {
            length += 2 + 2 * shape.dimension();
        }
        final float[] s = new float[length];
        int k = 0;
        s[k++] = names.length;
        for (int i = 0; i < names.length; i++) {
            s[k++] = names[i].hashCode() & 0xFFFFFF;
            s[k++] = shapes[i].dimension();
            for (long d : shapes[i].getShape()) {
                s[k++] = (float) (d >>> 24);
                s[k++] = (float) (d & 0xFFFFFF);
            }
        }
        return s;
    }

    /** How this rank's network differs from rank 0's signature, or null. */
    private String difference(float[] root) {
        if (root.length == 0 || (int) root[0] != names.length) {
            return "the network has " + names.length + " parameters here, "
                + (root.length == 0 ? "none" : String.valueOf((int) root[0])) + " on rank 0";
        }
        int k = 1;
        for (int i = 0; i < names.length; i++) {
            if (k + 2 > root.length) {
                return "parameter '" + names[i] + "' differs from rank 0's";
            }
            final int nameHash = (int) root[k++];
            final int rank = (int) root[k++];
            final long[] dims = new long[Math.max(0, rank)];
            for (int d = 0; d < dims.length && k + 1 < root.length; d++, k += 2) {
                dims[d] = ((long) root[k] << 24) | (long) root[k + 1];
            }
            final Shape rootShape = new Shape(dims);
            if (nameHash != (names[i].hashCode() & 0xFFFFFF)) {
                return "parameter " + i + " is '" + names[i] + "' " + shapes[i] + " here, another name on rank 0"
                    + " (shape " + rootShape + ")";
            }
            if (!rootShape.equals(shapes[i])) {
                return "parameter '" + names[i] + "' has shape " + shapes[i] + " here, " + rootShape + " on rank 0";
            }
        }
        return null;
    }

    private void checkLength(float[] x) {
        if (x.length < dimension) {
            throw new IllegalArgumentException("the vector has " + x.length + " floats, the parameters "
                + dimension);
        }
    }

    /** A float view over the tensor's own storage, or null where the engine copies instead. */
    static FloatBuffer aliasingView(NDArray array) {
        final int n = Math.toIntExact(array.size());
        final java.nio.ByteBuffer bytes;
        try {
            bytes = array.toByteBuffer(true);
        } catch (UnsupportedOperationException e) {
            return null;
        }
        if (!bytes.isDirect() || bytes.capacity() < 4L * n || n == 0) {
            return null;
        }
        final FloatBuffer view = bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
        // Alias check: write through the view, read the tensor through the engine, put the value back.
        final float before = view.get(0);
        final float probe = before == 1f ? 2f : 1f;
        view.put(0, probe);
        final boolean aliases = array.toFloatArray()[0] == probe;
        view.put(0, before);
        return aliases ? view : null;
    }
}
