/**
 * Internal: MPI through Open MPI's Java bindings; the only package that imports {@code mpi.*}. Not part of the
 * public API; may change without notice.
 */
package org.gossipmpi.comm.mpi;
