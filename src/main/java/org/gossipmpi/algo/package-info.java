/**
 * Internal: the algorithms' exact updates (D-PSGD, CHOCO-SGD and CHOCO-Gossip, DCD-PSGD, ECD-PSGD, DeepSqueeze,
 * all-reduce SGD) over a caller's vectors, the rules of their settings, and the optimizer that the public
 * {@code Decentralized} runs. Not part of the public API; may change without notice.
 */
package org.gossipmpi.algo;
