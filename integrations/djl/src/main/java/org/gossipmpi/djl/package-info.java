/**
 * gossip-mpi for DJL networks on the PyTorch engine, a module of its own (integrations/djl) built against the
 * installed gossip-mpi artifact.
 * <ul>
 * <li>{@link org.gossipmpi.djl.DjlModels} adds the {@link org.gossipmpi.djl.Networks} (LeNet-5, ResNet-20,
 *     wide-cnn) to {@code train --model}: {@code bin/gossip-mpi-djl train} trains them with every algorithm of
 *     {@code train}, with its progress, metrics, summaries, charts and checkpoints;</li>
 * <li>{@link org.gossipmpi.djl.ParameterVector} sees a block's parameters as the one float vector that
 *     {@code org.gossipmpi.api.Decentralized} steps and mixes, for a training loop of one's own
 *     ({@link org.gossipmpi.djl.FashionLeNet}: DJL's optimizer on each rank, then {@code mix});</li>
 * <li>{@link org.gossipmpi.djl.StepBenchmark} times one rank's step in plain DJL and through gossip-mpi.</li>
 * </ul>
 */
package org.gossipmpi.djl;
