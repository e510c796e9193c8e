package org.gossipmpi.comm;

import org.gossipmpi.config.SettingException;
import org.gossipmpi.config.Templated;

/**
 * A communication failure: a transport error, a truncated message, a mismatched collective, a neighbour that did
 * not send in time, or an aborted world. Unchecked, since none of them can be handled locally: the job must stop.
 * Backends wrap their vendor exceptions in this one, so no vendor type leaves {@code comm}. Its message may name
 * settings as {@code {name}} ({@link Templated}).
 */
public class CommException extends RuntimeException implements Templated {
    private static final long serialVersionUID = 1L;

    private final String template;

    public CommException(String message) {
        super(SettingException.render(message, name -> name));
        this.template = message;
    }

    public CommException(String message, Throwable cause) {
        super(SettingException.render(message, name -> name), cause);
        this.template = message;
    }

    @Override
    public String template() {
        return template;
    }
}
