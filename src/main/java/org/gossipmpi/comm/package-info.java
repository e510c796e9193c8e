/**
 * Internal: the transport under the collectives (Communicator, requests, deadlines), implemented over Open MPI's
 * Java bindings, gossip-mpi's native layer for any MPI, and in-process threads. Not part of the public API; may
 * change without notice.
 */
package org.gossipmpi.comm;
