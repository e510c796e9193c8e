/**
 * Internal: the compressors (top-k, rand-k, QSGD, natural compression and dithering, scaled sign, top-k with
 * natural dithering, fp32, fp16), their wire format and quantizers. Not part of the public API (the public API
 * names them by spec); may change without notice.
 */
package org.gossipmpi.compress;
