/**
 * gossip-mpi for DJL models on the PyTorch engine: {@link org.gossipmpi.djl.ParameterVector} sees a block's
 * parameters as the one float vector that {@code org.gossipmpi.api.Decentralized} steps and mixes. A module of
 * its own (integrations/djl), built against the installed gossip-mpi artifact; work in progress (issue 21):
 * the trainer, the networks and the command come next.
 */
package org.gossipmpi.djl;
