package org.gossipmpi.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;

import org.gossipmpi.config.SettingException;

/**
 * The model names {@code train --model} accepts: the built-in ones, and those of every {@link ModelProvider} on
 * the class path (looked up once).
 */
public final class Models {
    /** The models of the core. */
    public static final List<String> BUILT_IN = List.of("logistic", "softmax", "leastsquares", "mlp");

    private static volatile List<ModelProvider> providers;

    private Models() {
    }

    /** Every model name, the built-in ones first. */
    public static List<String> names() {
        final List<String> all = new ArrayList<>(BUILT_IN);
        for (ModelProvider p : providers()) {
            all.addAll(p.names());
        }
        return all;
    }

    /** Whether {@code name} is a provider's model (not a built-in one). */
    public static boolean provided(String name) {
        return provider(name) != null;
    }

    /**
     * A provider's model {@code name}.
     *
     * @throws SettingException if no provider on the class path builds it
     */
    public static Model create(String name, int features, int classes, double l2) {
        final ModelProvider p = provider(name);
        if (p == null) {
            throw new SettingException("model", "unknown {model} '" + name + "'; valid: " + String.join(", ", names()));
        }
        return p.create(name, features, classes, l2);
    }

    private static ModelProvider provider(String name) {
        for (ModelProvider p : providers()) {
            if (p.names().contains(name)) {
                return p;
            }
        }
        return null;
    }

    private static List<ModelProvider> providers() {
        List<ModelProvider> found = providers;
        if (found == null) {
            final List<ModelProvider> list = new ArrayList<>();
            for (ModelProvider p : ServiceLoader.load(ModelProvider.class)) {
                for (String n : p.names()) {
                    if (BUILT_IN.contains(n)) {
                        throw new IllegalStateException(p.getClass().getName() + " provides model '" + n
                            + "', a built-in model's name");
                    }
                }
                list.add(p);
            }
            found = Collections.unmodifiableList(list);
            providers = found;
        }
        return found;
    }
}
