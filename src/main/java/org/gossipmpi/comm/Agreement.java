package org.gossipmpi.comm;

import java.util.ArrayList;
import java.util.List;

import org.gossipmpi.config.SettingException;

/**
 * Before anything runs, every rank checks that it holds the same settings as rank 0: each sends its settings,
 * a list of {name, value} fields in a fixed order, to rank 0, which answers every rank with the first field
 * that differs on the first rank that differs, or with nothing. Settings that differ across ranks stop every
 * rank with one message naming the setting and both values. Called by every rank; not for the hot path.
 */
public final class Agreement {
    private Agreement() {
    }

    /**
     * @param tag the tags this agreement may use: {@code tag} and {@code tag + 1}
     * @throws SettingException on every rank when some rank's fields differ from rank 0's
     */
    public static void check(Communicator comm, int tag, List<String[]> fields) {
        final String mine = encode(fields);
        final String verdict;
        if (comm.rank() == 0) {
            String first = "";
            for (int r = 1; r < comm.size(); r++) {
                final String theirs = Messages.receive(comm, r, tag);
                if (first.isEmpty() && !theirs.equals(mine)) {
                    first = difference(r, decode(theirs), fields);
                }
            }
            verdict = Messages.broadcast(comm, tag, first);
        } else {
            Messages.send(comm, 0, tag, mine);
            verdict = Messages.broadcast(comm, tag, "");
        }
        if (!verdict.isEmpty()) {
            final int cut = verdict.indexOf('\u0002');
            throw new SettingException(verdict.substring(0, cut), verdict.substring(cut + 1)
                + ": start every rank with the same settings");
        }
    }

    /** "SETTING\u0002rank R was started with other settings than rank 0: {SETTING} is A there, B on rank 0". */
    static String difference(int rank, List<String[]> theirs, List<String[]> ours) {
        final String prefix = "rank " + rank + " was started with other settings than rank 0: ";
        for (int i = 0; i < Math.min(theirs.size(), ours.size()); i++) {
            final String name = ours.get(i)[0];
            if (!theirs.get(i)[0].equals(name)) {
                return name + '\u0002' + prefix + "its settings have " + theirs.get(i)[0] + " where rank 0 has " + name;
            }
            if (!theirs.get(i)[1].equals(ours.get(i)[1])) {
                return name + '\u0002' + prefix + name(name) + " is " + theirs.get(i)[1] + " there, " + ours.get(i)[1]
                    + " on rank 0";
            }
        }
        return "settings\u0002" + prefix + "it has " + theirs.size() + " settings, rank 0 " + ours.size();
    }

    /** A field's name as a template: "{name}" for a setting, "run 2's {lr}" for a field of a sweep's run. */
    private static String name(String field) {
        final int sp = field.lastIndexOf(' ');
        final String last = field.substring(sp + 1);
        return last.matches("[A-Za-z][A-Za-z0-9]*") ? field.substring(0, sp + 1) + "{" + last + "}" : field;
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
