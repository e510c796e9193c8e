/**
 * Internal: the command line's data: LIBSVM, CSV and IDX readers, datasets and sharding. Not part of the public
 * API; may change without notice.
 */
package org.gossipmpi.data;
