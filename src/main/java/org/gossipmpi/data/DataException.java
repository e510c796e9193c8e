package org.gossipmpi.data;

import org.gossipmpi.config.SettingException;
import org.gossipmpi.config.Templated;

/**
 * Bad input data: the message names the file and the line (or byte offset) at fault, and may name settings as
 * {@code {name}} ({@link Templated}).
 */
public final class DataException extends IllegalArgumentException implements Templated {
    private static final long serialVersionUID = 1L;

    private final String template;

    public DataException(String message) {
        super(SettingException.render(message, name -> name));
        this.template = message;
    }

    @Override
    public String template() {
        return template;
    }
}
