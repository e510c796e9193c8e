package org.gossipmpi.train;

import java.util.ArrayList;
import java.util.List;

import org.gossipmpi.comm.Agreement;
import org.gossipmpi.comm.Communicator;

/**
 * Before anything runs, every rank checks that it was started with the same settings as rank 0, for the whole
 * sweep at once ({@link Agreement}): the number of runs, every setting of every run ({@link TrainConfig#fields}),
 * and the rank count. A job started with different options on different ranks (another sweep list, another
 * learning rate) stops on every rank with one message naming the setting and both values.
 */
public final class ConfigAgreement {
    private static final int TAG = 950;

    private ConfigAgreement() {
    }

    /** The fields of a sweep: "runs", then every setting of every run ("run I's NAME" in a sweep), then "ranks". */
    static List<String[]> fields(List<TrainConfig> runs, int ranks) {
        final List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"the number of runs (the algorithm and compressor lists)",
            Integer.toString(runs.size())});
        for (int i = 0; i < runs.size(); i++) {
            for (String[] f : runs.get(i).fields()) {
                fields.add(new String[] {(runs.size() > 1 ? "run " + (i + 1) + "'s " : "") + f[0], f[1]});
            }
        }
        fields.add(new String[] {"the number of ranks", Integer.toString(ranks)});
        return fields;
    }

    /**
     * Checks the whole sweep at once, before its first run.
     *
     * @throws org.gossipmpi.config.SettingException on every rank when some rank's settings differ from rank 0's
     */
    public static void check(Communicator comm, List<TrainConfig> runs) {
        Agreement.check(comm, TAG, fields(runs, comm.size()));
    }
}
