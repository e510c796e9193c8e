package org.gossipmpi.checkpoint;

import org.gossipmpi.config.SettingException;
import org.gossipmpi.config.Templated;

/**
 * A checkpoint that cannot be written, read or used, with the file and what to do. Its message may name settings
 * as {@code {name}} ({@link Templated}).
 */
public final class CheckpointException extends RuntimeException implements Templated {
    private static final long serialVersionUID = 1L;

    private final String template;

    public CheckpointException(String message) {
        super(SettingException.render(message, name -> name));
        this.template = message;
    }

    public CheckpointException(String message, Throwable cause) {
        super(SettingException.render(message, name -> name), cause);
        this.template = message;
    }

    @Override
    public String template() {
        return template;
    }
}
