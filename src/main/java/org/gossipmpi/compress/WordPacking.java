package org.gossipmpi.compress;

/**
 * The layout of a bit-packed body (payload format version 2): codes of {@code w} bits (1..32) in whole
 * little-endian 64-bit words, {@code p = floor(64 / w)} codes per word and none straddling a word, the words
 * interleaved eight ways so that eight SIMD lanes (or eight OpenCL work items) fill eight words at once.
 *
 * <pre>
 *   group g = elements [g G, (g + 1) G) with G = 8 p, stored in words [8 g, 8 g + 8):
 *
 *   element g G + 8 k + l   (lane l in 0..7, slot k in 0..p-1)
 *        -> word 8 g + l, bits [k w, k w + w)
 *
 *   word 8g+0:  | e0   | e8   | e16  | ... | e8(p-1)   | unused |
 *   word 8g+1:  | e1   | e9   | e17  | ... | e8(p-1)+1 | unused |
 *   ...
 *   word 8g+7:  | e7   | e15  | e23  | ... | e8(p-1)+7 | unused |
 *                bit 0                                      bit 63
 * </pre>
 *
 * The last group, when it holds r &lt; G codes, is packed in order instead: its word j holds its codes
 * [j p, j p + p), and it takes ceil(r / p) words, so small bodies are not padded to whole groups. A body of
 * n codes therefore takes {@code 8 (8 floor(n / G) + ceil((n mod G) / p))} bytes. Groups are independent, so
 * any split of the groups over threads writes the same bytes.
 */
public final class WordPacking {
    /** Words per group: the interleave. */
    public static final int LANES = 8;
    /** Bytes per group. */
    public static final int GROUP_BYTES = 8 * LANES;

    private WordPacking() {
    }

    /** Codes per 64-bit word for codes of {@code width} bits. */
    public static int perWord(int width) {
        return 64 / width;
    }

    /** Elements per group for codes of {@code width} bits. */
    public static int groupElements(int width) {
        return LANES * perWord(width);
    }

    /** Groups that {@code count} codes of {@code width} bits take. */
    public static int groups(long count, int width) {
        final int g = groupElements(width);
        return (int) ((count + g - 1) / g);
    }

    /** Words that group {@code g} of a body of {@code count} codes takes: 8, or fewer for a partial last group. */
    public static int wordsOf(int g, long count, int width) {
        final int group = groupElements(width);
        final long rest = count - (long) g * group;
        if (rest >= group) {
            return LANES;
        }
        final int p = perWord(width);
        return (int) ((rest + p - 1) / p);
    }

    /**
     * The element that slot {@code k} of word {@code j} of group {@code g} holds: interleaved in a full group,
     * in order in a partial last one (whose {@code full} is false).
     */
    public static int element(int g, int j, int k, int perWord, boolean full) {
        return g * LANES * perWord + (full ? LANES * k + j : j * perWord + k);
    }

    /** Bytes that {@code count} codes of {@code width} bits take. */
    public static int bytes(long count, int width) {
        final long full = count / groupElements(width);
        final long bytes = full * GROUP_BYTES + 8L * wordsOf((int) full, count, width);
        if (bytes > Integer.MAX_VALUE - PayloadDescriptor.HEADER_LENGTH) {
            throw new IllegalArgumentException(count + " codes of " + width + " bits do not fit one payload");
        }
        return (int) bytes;
    }

    /** The mask of a code of {@code width} bits, as a long. */
    public static long mask(int width) {
        return width == 64 ? -1L : (1L << width) - 1;
    }
}
