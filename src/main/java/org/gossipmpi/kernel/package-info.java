/**
 * Internal: Aparapi OpenCL kernels and their Java twins, and the choice of device; the only package that imports
 * {@code com.aparapi.*}. Not part of the public API; may change without notice.
 */
package org.gossipmpi.kernel;
