/**
 * Internal: atomic, checksummed per-rank state files and the agreement of the ranks on complete checkpoints. Not
 * part of the public API (the public {@code Decentralized.save} writes through it); may change without notice.
 */
package org.gossipmpi.checkpoint;
