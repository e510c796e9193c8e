package org.gossipmpi.djl;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * The networks {@code bin/gossip-mpi-djl train --model} names, for 28 x 28 grayscale images (Fashion-MNIST):
 * <ul>
 * <li>{@code lenet5}: LeNet-5, two 5x5 convolutions (6 and 16 filters) with max pooling, then 120-84-C, ReLU
 *     (61,706 parameters for 10 classes);</li>
 * <li>{@code resnet20}: ResNet-20 of He et al. for small images, DJL's model zoo {@code ResNetV1} with 20 layers
 *     (3 stages of 3 basic blocks, 16/32/64 filters, BatchNorm; about 0.27 million parameters);</li>
 * <li>{@code wide-cnn}: the network-bound case, 3x3 convolutions of 32 and 64 filters, 2x2 max pooling, then a
 *     128-unit layer and the C outputs (1,199,882 parameters for 10 classes; the dense layer holds 99%).</li>
 * </ul>
 */
public final class Networks {
    /** The names, in the order the help lists them. */
    public static final List<String> NAMES = List.of("lenet5", "resnet20", "wide-cnn");

    /** Side of the square grayscale images the networks take. */
    public static final int IMAGE = 28;

    private Networks() {
    }

    /**
     * Network {@code name} with {@code classes} outputs (logits).
     *
     * @throws IllegalArgumentException for a name not in {@link #NAMES}
     */
    public static Block of(String name, int classes) {
        return switch (name) {
            case "lenet5" -> lenet5(classes);
            case "resnet20" -> ResNetV1.builder().setImageShape(new Shape(1, IMAGE, IMAGE)).setNumLayers(20)
                .setOutSize(classes).build();
            case "wide-cnn" -> wideCnn(classes);
            default -> throw new IllegalArgumentException("unknown network '" + name + "'; valid: "
                + String.join(", ", NAMES));
        };
    }

    /** The input shape of a batch of {@code rows} images. */
    public static Shape input(long rows) {
        return new Shape(rows, 1, IMAGE, IMAGE);
    }

    /** LeNet-5 for 28x28 grayscale images: two 5x5 convolutions with pooling, then 120-84-classes. */
    public static Block lenet5(int classes) {
        return new SequentialBlock()
            .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(6).build())
            .add(Activation::relu)
            .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
            .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(16).build())
            .add(Activation::relu)
            .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(120).build())
            .add(Activation::relu)
            .add(Linear.builder().setUnits(84).build())
            .add(Activation::relu)
            .add(Linear.builder().setUnits(classes).build());
    }

    private static Block wideCnn(int classes) {
        return new SequentialBlock()
            .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(32).build())
            .add(Activation::relu)
            .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(64).build())
            .add(Activation::relu)
            .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(128).build())
            .add(Activation::relu)
            .add(Linear.builder().setUnits(classes).build());
    }
}
