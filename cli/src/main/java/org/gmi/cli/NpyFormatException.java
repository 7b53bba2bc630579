package org.gmi.cli;

/** A file is not a .npy file this tool can read; the message names the file. The CLI exits with 2. */
public class NpyFormatException extends RuntimeException {
    public NpyFormatException(String message) {
        super(message);
    }
}
