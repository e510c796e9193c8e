/**
 * Internal: the peer-to-peer collective (encode once, post receives and sends to the neighbours of a step,
 * decode-add in a fixed order) and the all-reduce average. Not part of the public API; may change without notice.
 */
package org.gossipmpi.collective;
