/**
 * Internal: the Vector API (jdk.incubator.vector) paths of the matrix products, loaded only where the module is present. Not part of
 * the public API; may change without notice.
 */
package org.gossipmpi.kernel.simd;
