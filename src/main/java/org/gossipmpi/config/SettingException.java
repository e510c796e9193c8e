package org.gossipmpi.config;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A setting (or a combination of settings) that cannot work, refused with one message. The message is a template
 * that refers to settings by name in braces, {@code "{gamma} must be in (0, 1], got 2"}: {@link #getMessage()}
 * writes the library's names ({@code gamma must be in (0, 1], got 2}), and a command line writes its own with
 * {@link #render} ({@code --gamma must be in (0, 1], got 2}), so the library never speaks in flags and the
 * command line always does.
 */
public class SettingException extends IllegalArgumentException implements Templated {
    private static final long serialVersionUID = 1L;
    private static final Pattern NAME = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

    private final String setting;
    private final String template;

    /**
     * @param setting  the setting at fault, as the library names it ({@code gamma}, {@code codecThreads})
     * @param template the message, naming settings as {@code {name}}
     */
    public SettingException(String setting, String template) {
        super(render(template, UnaryOperator.identity()));
        this.setting = setting;
        this.template = template;
    }

    @Override
    public String template() {
        return template;
    }

    /** The setting at fault. */
    public String setting() {
        return setting;
    }

    /** The message with every {@code {name}} written by {@code names} (a command line's flags, for example). */
    public String render(UnaryOperator<String> names) {
        return render(template, names);
    }

    /** {@code template} with every {@code {name}} replaced by {@code names.apply(name)}. */
    public static String render(String template, UnaryOperator<String> names) {
        final Matcher m = NAME.matcher(template);
        final StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(names.apply(m.group(1))));
        }
        return m.appendTail(sb).toString();
    }
}
