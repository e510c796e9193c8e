package org.gossipmpi.model;

import java.util.List;

/**
 * Models that a module beside the core adds to {@code train --model} (the DJL integration's networks, for
 * instance), found with {@link java.util.ServiceLoader}: a jar on the class path that lists its provider in
 * {@code META-INF/services/org.gossipmpi.model.ModelProvider}. The models are classifiers of dense rows.
 */
public interface ModelProvider {

    /** The model names this provider builds; none may be a built-in name ({@link Models#BUILT_IN}). */
    List<String> names();

    /**
     * A new model {@code name} for rows of {@code features} floats with labels 0 .. {@code classes} - 1, one
     * per rank.
     *
     * @param l2 the L2 coefficient lambda of the loss's (lambda / 2) ||weights||^2
     * @throws org.gossipmpi.config.SettingException naming the setting when the data or settings do not fit
     */
    Model create(String name, int features, int classes, double l2);
}
