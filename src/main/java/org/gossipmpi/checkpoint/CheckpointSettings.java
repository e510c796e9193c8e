package org.gossipmpi.checkpoint;

import java.nio.file.Path;

/**
 * {@code checkpoint DIR}, {@code checkpointEvery K}, {@code resume}: every K steps each rank writes its state under
 * DIR/RUN/; with resume a run continues from the latest checkpoint complete on every rank.
 *
 * @param dir    where checkpoints go (one subdirectory per run), or null for none
 * @param every  steps between checkpoints (>= 1 when dir is given)
 * @param resume whether to continue from the latest complete checkpoint
 */
public record CheckpointSettings(Path dir, long every, boolean resume) {
    /** No checkpoints. */
    public static final CheckpointSettings NONE = new CheckpointSettings(null, 0, false);

    public CheckpointSettings {
        if (dir != null && every < 1) {
            throw new org.gossipmpi.config.SettingException("checkpointEvery", "{checkpointEvery} must be >= 1, got "
                + every);
        }
        if (dir == null && resume) {
            throw new org.gossipmpi.config.SettingException("resume", "{resume} continues from a checkpoint: give"
                + " {checkpoint} DIR as well (the directory the first run wrote its checkpoints to)");
        }
    }

    public boolean enabled() {
        return dir != null;
    }
}
