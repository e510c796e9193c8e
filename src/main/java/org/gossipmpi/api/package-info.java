/**
 * gossip-mpi's public API: decentralized training with compressed peer-to-peer communication, called from any JVM
 * training loop.
 *
 * <ul>
 *   <li>{@link org.gossipmpi.api.GossipWorld}: the ranks of the job (MPI ranks under {@code mpirun}, or in-process
 *       ranks), and the collectives over all of them: barrier, broadcast, average;</li>
 *   <li>{@link org.gossipmpi.api.Decentralized}: one rank's optimizer, built from an algorithm, a compressor and a
 *       topology, whose {@code step} runs the algorithm's exact update on the caller's model and gradient, and whose
 *       {@code mix} combines after the caller's own optimizer;</li>
 *   <li>{@link org.gossipmpi.api.Gradient} and {@link org.gossipmpi.api.RankProgram}: what the caller gives.</li>
 * </ul>
 * Everything else in {@code org.gossipmpi} is internal and may change without notice.
 */
package org.gossipmpi.api;
