/**
 * Internal: the Vector API (jdk.incubator.vector) paths of the codecs, loaded only where the module is present. Not part of
 * the public API; may change without notice.
 */
package org.gossipmpi.compress.simd;
