package org.gossipmpi.data;

/** Bad input data: the message names the file and the line (or byte offset) at fault. */
public final class DataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }
}
