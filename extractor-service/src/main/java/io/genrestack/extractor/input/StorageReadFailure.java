package io.genrestack.extractor.input;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Object storage failed while an input object was read (a connection reset in the middle of an archive, a timeout):
 * the fault of the transport, not of the input, so it is never a dead letter. It propagates out of the scan and fails
 * the job attempt; the job worker retries it and the exactly-once writer resumes after the last progress mark (the
 * input order is deterministic, so the same items are skipped).
 */
public final class StorageReadFailure extends UncheckedIOException {

    StorageReadFailure(String what, IOException cause) {
        super("object storage failed while reading " + what + ": " + InputScanner.message(cause), cause);
    }

    /** Throws the {@link StorageReadFailure} found in {@code e}'s cause chain, if any. */
    static void rethrowIfCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageReadFailure f) {
                throw f;
            }
        }
    }

    /**
     * A stream whose read failures are {@link StorageReadFailure}s naming {@code what}, and whose reads fill the buffer
     * (up to the end of the stream) as reads of a local file do.
     */
    static InputStream guard(InputStream in, String what) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw new StorageReadFailure(what, e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                try {
                    // filled as a local file read is (network reads return whatever arrived): the same read pattern
                    // gives the same byte counts in BombGuard, so even a bomb's reason reads the same as locally
                    int n = in.readNBytes(b, off, len);
                    return n == 0 ? -1 : n;
                } catch (IOException e) {
                    throw new StorageReadFailure(what, e);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return super.skip(n);
                } catch (IOException e) {
                    throw new StorageReadFailure(what, e);
                }
            }
        };
    }
}
