package org.gossipmpi.config;

/**
 * An exception whose message names settings as {@code {name}} ({@link SettingException#render}): its
 * {@code getMessage()} writes the library's names, and a command line writes its flags from {@link #template()}.
 */
public interface Templated {
    /** The message with settings as {@code {name}}. */
    String template();
}
