/**
 * Internal: communication graphs, their mixing matrices, checks and spectra. Not part of the public API (the
 * public API names them by spec or takes the caller's edges); may change without notice.
 */
package org.gossipmpi.topology;
