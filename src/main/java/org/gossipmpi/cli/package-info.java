/**
 * Internal: the {@code gossip-mpi} command line (picocli): train, report, topology, info, bench. The command line
 * is a client of the public API; its flags are the settings' names in one table ({@code Flags}). Not part of the
 * public API; may change without notice.
 */
package org.gossipmpi.cli;
