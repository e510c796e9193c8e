/**
 * Internal: starting ranks once per program, on MPI (Open MPI's Java bindings or gossip-mpi's native layer, any
 * MPI) or as in-process threads, with the checks that the settings fit how the process was started. Used by the
 * public {@code GossipWorld} and every command. Not part of the public API; may change without notice.
 */
package org.gossipmpi.launch;
