/** Internal: files written whole or not at all. Not part of the public API; may change without notice. */
package org.gossipmpi.io;
