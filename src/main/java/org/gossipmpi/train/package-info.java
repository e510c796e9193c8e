/**
 * Internal: the command line's {@code train} on one rank, built on the public API: data, model, evaluation of the
 * averaged model, divergence checks, checkpoints and the run's files. Not part of the public API; may change
 * without notice.
 */
package org.gossipmpi.train;
