package org.gossipmpi.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** gossip-mpi's version (the build's project version), as --version, info and summary.json give it. */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown (no version.properties: not built by Maven)";
            }
            final Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
