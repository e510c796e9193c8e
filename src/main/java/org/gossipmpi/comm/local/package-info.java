/** Internal: in-process ranks as threads of one JVM. Not part of the public API; may change without notice. */
package org.gossipmpi.comm.local;
