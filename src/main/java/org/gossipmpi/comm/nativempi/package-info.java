/**
 * Internal: MPI through gossip-mpi's own JNI layer over MPI's C API (any MPI). Not part of the public API; may
 * change without notice.
 */
package org.gossipmpi.comm.nativempi;
