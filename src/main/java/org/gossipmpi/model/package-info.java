/**
 * Internal: the command line's built-in models (logistic, softmax, least squares, an MLP) on flat parameter
 * vectors, and {@link org.gossipmpi.model.ModelProvider}, through which a module beside the core (the DJL
 * integration) adds its own. Not part of the public API; may change without notice.
 */
package org.gossipmpi.model;
