package org.gossipmpi.algo;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.Messages;

/**
 * Before anything runs, every rank checks that it was started with the same settings as rank 0: each sends
 * its settings, as a list of named fields (every run of a sweep, every field of its {@link TrainConfig}, and
 * the rank count), to rank 0, which answers every rank with the first field that differs on the first rank
 * that differs, or with nothing. A job started with different options on different ranks (another sweep
 * list, another --lr) stops on every rank with one message naming the field and both values.
 */
public final class ConfigAgreement {
    private static final int TAG = 950;

    private ConfigAgreement() {
    }

    /** The fields of a sweep: "runs", then "run I: FIELD" for every field of every run, then "ranks". */
    static List<String[]> fields(List<TrainConfig> runs, int ranks) {
        final List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"the number of runs (--algorithm and --compressor lists)",
            Integer.toString(runs.size())});
        for (int i = 0; i < runs.size(); i++) {
            for (RecordComponent c : TrainConfig.class.getRecordComponents()) {
                final Object value;
                try {
                    value = c.getAccessor().invoke(runs.get(i));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                fields.add(new String[] {(runs.size() > 1 ? "run " + (i + 1) + "'s " : "") + c.getName(),
                    String.valueOf(value)});
            }
        }
        fields.add(new String[] {"the number of ranks", Integer.toString(ranks)});
        return fields;
    }

    /**
     * Checks the whole sweep at once, before its first run.
     *
     * @throws IllegalArgumentException on every rank when some rank's settings differ from rank 0's
     */
    public static void check(Communicator comm, List<TrainConfig> runs) {
        checkFields(comm, fields(runs, comm.size()));
    }

    /** @throws IllegalArgumentException on every rank when some rank's fields differ from rank 0's */
    static void checkFields(Communicator comm, List<String[]> fields) {
        final String mine = encode(fields);
        final String verdict;
        if (comm.rank() == 0) {
            String first = "";
            for (int r = 1; r < comm.size(); r++) {
                final String theirs = Messages.receive(comm, r, TAG);
                if (first.isEmpty() && !theirs.equals(mine)) {
                    first = difference(r, decode(theirs), fields);
                }
            }
            verdict = Messages.broadcast(comm, TAG, first);
        } else {
            Messages.send(comm, 0, TAG, mine);
            verdict = Messages.broadcast(comm, TAG, "");
        }
        if (!verdict.isEmpty()) {
            throw new IllegalArgumentException(verdict + ": start every rank with the same options");
        }
    }

    /** "rank R was started with other settings than rank 0: FIELD is A there, B on rank 0". */
    static String difference(int rank, List<String[]> theirs, List<String[]> ours) {
        final String prefix = "rank " + rank + " was started with other settings than rank 0: ";
        for (int i = 0; i < Math.min(theirs.size(), ours.size()); i++) {
            if (!theirs.get(i)[0].equals(ours.get(i)[0])) {
                return prefix + "its settings have " + theirs.get(i)[0] + " where rank 0 has " + ours.get(i)[0];
            }
            if (!theirs.get(i)[1].equals(ours.get(i)[1])) {
                return prefix + theirs.get(i)[0] + " is " + theirs.get(i)[1] + " there, " + ours.get(i)[1]
                    + " on rank 0";
            }
        }
        return prefix + "it has " + theirs.size() + " settings, rank 0 " + ours.size();
    }

    private static String encode(List<String[]> fields) {
        final StringBuilder sb = new StringBuilder();
        for (String[] f : fields) {
            sb.append(f[0].replace('\n', ' ')).append('\u0001').append(f[1].replace('\n', ' ')).append('\n');
        }
        return sb.toString();
    }

    private static List<String[]> decode(String text) {
        final List<String[]> fields = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                fields.add(line.split("\u0001", 2));
            }
        }
        return fields;
    }
}
