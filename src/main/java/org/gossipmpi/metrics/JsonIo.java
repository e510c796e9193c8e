package org.gossipmpi.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON through Jackson: the summary (one object on one line), the per-rank JSONL metrics lines, and reading a
 * summary back. Numbers that are not finite are written as {@code null}, as JSON has no NaN.
 */
public final class JsonIo {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonIo() {
    }

    /** A new, empty object whose fields keep the order they are put in. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Puts {@code value}, or null when it is NaN or infinite. */
    public static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    /** The object on one line. */
    public static String line(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** The JSON value on {@code line}, or null when it is malformed (a line a killed writer left half-written). */
    public static JsonNode parse(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads the JSON in {@code file}; a truncated or malformed file throws with Jackson's location. */
    public static JsonNode read(Path file) throws IOException {
        return MAPPER.readTree(Files.readString(file));
    }

    /**
     * Writes JSON objects one per line to a file, each written through to the file as it is finished (so that
     * a killed rank leaves every line it had finished). A line that cannot be written whole (a full disk) is
     * cut off again, so the file keeps only whole lines.
     */
    public static final class Lines implements AutoCloseable {
        private final Path file;
        private final java.nio.channels.FileChannel channel;
        private final JsonGenerator g;
        private long whole;

        /**
         * Opens {@code file}: a new file (replacing one that is there), or with {@code append} the end of an
         * existing one.
         */
        public Lines(Path file, boolean append) throws IOException {
            this.file = file;
            this.channel = append
                ? java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.APPEND)
                : java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
            this.whole = channel.size();
            this.g = MAPPER.getFactory().createGenerator(java.nio.channels.Channels.newOutputStream(channel));
            g.setRootValueSeparator(null); // lines are separated by the newline end() writes
        }

        /** The file written. */
        public Path file() {
            return file;
        }

        /** Starts a line's object. */
        public JsonGenerator begin() throws IOException {
            g.writeStartObject();
            return g;
        }

        /** A number field, null when not finite. */
        public void number(String key, double value) throws IOException {
            if (Double.isFinite(value)) {
                g.writeNumberField(key, value);
            } else {
                g.writeNullField(key);
            }
        }

        /** Ends the line's object and writes it to the file; a line that fails to go out whole is cut off. */
        public void end() throws IOException {
            try {
                g.writeEndObject();
                g.writeRaw('\n');
                g.flush();
                whole = channel.size();
            } catch (IOException e) {
                channel.truncate(whole);
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
