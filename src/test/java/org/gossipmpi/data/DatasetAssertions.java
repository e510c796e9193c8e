package org.gossipmpi.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test support: two datasets hold the same rows, bit for bit (shape, classes, targets, values, CSR structure). */
public final class DatasetAssertions {
    private DatasetAssertions() {
    }

    /** Fails unless {@code got} holds {@code expected}'s rows exactly. */
    public static void assertSameRows(Dataset expected, Dataset got) {
        assertEquals(expected.rows(), got.rows());
        assertEquals(expected.cols(), got.cols());
        assertEquals(expected.classes(), got.classes());
        assertEquals(expected.isDense(), got.isDense());
        for (int i = 0; i < expected.rows(); i++) {
            assertEquals(expected.target(i), got.target(i), "target of row " + i); // compares the bits
        }
        if (expected.isDense()) {
            assertArrayEquals(expected.denseValues(), got.denseValues());
        } else {
            assertArrayEquals(expected.rowStart(), got.rowStart());
            assertArrayEquals(expected.colIndex(), got.colIndex());
            assertArrayEquals(expected.values(), got.values());
        }
    }
}
