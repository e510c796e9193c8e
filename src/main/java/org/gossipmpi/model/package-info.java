/**
 * Internal: the command line's built-in models (logistic, softmax, least squares, an MLP) on flat parameter
 * vectors. Not part of the public API; may change without notice.
 */
package org.gossipmpi.model;
