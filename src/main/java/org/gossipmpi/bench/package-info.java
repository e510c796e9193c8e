/**
 * Internal: the micro-benchmarks of the {@code bench} command (exchange, codecs, kernels). Not part of the public
 * API; may change without notice.
 */
package org.gossipmpi.bench;
