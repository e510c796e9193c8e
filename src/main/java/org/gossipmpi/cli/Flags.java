package org.gossipmpi.cli;

import java.util.Map;

/**
 * The one table from the library's setting names to the command line's flags: the library refuses a setting by
 * its name ({@code gamma}, {@code codecThreads}), and the command line says which flag to change ({@code --gamma},
 * {@code --codec-threads}). Names not listed are their flag in kebab case.
 */
final class Flags {
    /** Where a flag is not the setting's name in kebab case. */
    private static final Map<String, String> IRREGULAR = Map.of(
        "momentumKind", "--momentum",
        "lrB", "--lr-b",
        "lrSchedule", "--lr-schedule",
        "saveModel", "--save-model",
        "checkpointEvery", "--checkpoint-every");

    private Flags() {
    }

    /** The flag of setting {@code name}: {@code gamma} is {@code --gamma}, {@code codecThreads} {@code --codec-threads}. */
    static String of(String name) {
        final String irregular = IRREGULAR.get(name);
        return irregular != null ? irregular : "--" + name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(
            java.util.Locale.ROOT);
    }

    /** As {@link #of}, except that {@code setting} is written {@code flag} (a command whose option differs). */
    static java.util.function.UnaryOperator<String> with(String setting, String flag) {
        return name -> name.equals(setting) ? flag : of(name);
    }
}
