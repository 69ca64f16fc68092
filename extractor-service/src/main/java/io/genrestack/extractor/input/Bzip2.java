package io.genrestack.extractor.input;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.jboss.logging.Logger;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The bzip2 decompressor of {@link ArchiveStream}: commons-compress in the JVM ({@code java}), or a native command
 * ({@code lbzip2}, {@code pbzip2}, {@code bzip2}) run as a child process per archive, fed the compressed bytes on its
 * standard input by a pump thread and read on its standard output. The setting ({@code genrestack.extractor.bzip2}):
 * {@code auto} (the default: the first of {@link #AUTO} found on {@code PATH}, else {@code java}), {@code java}, or a
 * command line that decompresses standard input to standard output (e.g. {@code /usr/bin/bzip2 -dc}).
 *
 * <p>Both decompressors feed the same {@link BombGuard} (the pump counts the compressed bytes) and end a damaged
 * archive the same way: the native stream reports its end only once the process has exited with status 0 and written
 * nothing to standard error; otherwise the read fails with the exit status and the process's message (e.g. {@code
 * lbzip2: stdin: compressed data error: unexpected end of file}). Bytes after the tar end-of-archive are not read by
 * either. A {@link StorageReadFailure} of the source, met by the pump, is rethrown by the reading side. Closing a
 * {@link Decoding} kills the process and joins its threads, on every exit path.
 */
public final class Bzip2 {
    private static final Logger LOG = Logger.getLogger(Bzip2.class);

    /** The configuration property (and system property read by {@link #fromSystemProperty}). */
    public static final String PROPERTY = "genrestack.extractor.bzip2";

    /** {@code auto}: the commands tried in order, single-threaded per archive (archives are read one at a time). */
    static final List<List<String>> AUTO =
            List.of(List.of("lbzip2", "-dc", "-n", "1"), List.of("pbzip2", "-dc", "-p1"), List.of("bzip2", "-dc"));

    /** How much of the process's standard error a reason quotes. */
    static final int MAX_MESSAGE = 400;

    private static final long JOIN_MILLIS = 30_000;

    private final String setting;
    private final List<String> command; // empty: commons-compress

    private Bzip2(String setting, List<String> command) {
        this.setting = setting;
        this.command = List.copyOf(command);
    }

    /** The commons-compress decompressor. */
    public static Bzip2 java() {
        return new Bzip2("java", List.of());
    }

    /**
     * The decompressor of a setting: {@code auto} (or blank), {@code java}, or a command line (split at white space;
     * its program looked up on {@code PATH} unless it names a path). Throws {@link IllegalArgumentException} when an
     * explicit command's program is not found.
     */
    public static Bzip2 of(String setting) {
        String s = setting == null ? "" : setting.strip();
        if (s.isEmpty() || s.equals("auto")) {
            for (List<String> candidate : AUTO) {
                Optional<Path> exe = executable(candidate.get(0));
                if (exe.isPresent()) {
                    List<String> cmd = new ArrayList<>(candidate);
                    cmd.set(0, exe.get().toString());
                    return new Bzip2("auto", cmd);
                }
            }
            return new Bzip2("auto", List.of());
        }
        if (s.equals("java")) {
            return java();
        }
        List<String> cmd = new ArrayList<>(List.of(s.split("\\s+")));
        Path exe = executable(cmd.get(0))
                .orElseThrow(() -> new IllegalArgumentException(
                        PROPERTY + ": " + cmd.get(0) + " is not an executable (on PATH); use auto, java or a command"));
        cmd.set(0, exe.toString());
        return new Bzip2(s, cmd);
    }

    /** {@link #of} the system property {@link #PROPERTY} (default {@code auto}): tools and tests. */
    public static Bzip2 fromSystemProperty() {
        return of(System.getProperty(PROPERTY, "auto"));
    }

    /** True when archives are decompressed by a native command. */
    public boolean isNative() {
        return !command.isEmpty();
    }

    /** The native command line (absolute program path first); empty for commons-compress. */
    public List<String> command() {
        return command;
    }

    /** For logs: the setting and what it resolved to. */
    public String describe() {
        String what = isNative() ? String.join(" ", command) : "commons-compress (in the JVM)";
        return setting.equals("java") ? what : setting + " -> " + what;
    }

    @Override
    public String toString() {
        return describe();
    }

    private static Optional<Path> executable(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** One archive being decompressed: {@link #stream} gives the tar bytes; {@link #close} never throws. */
    interface Decoding extends Closeable {
        InputStream stream();

        @Override
        void close();
    }

    /**
     * Starts decompressing {@code compressed} (the counted source; closed by {@link Decoding#close}). The Java
     * decompressor reads the stream header here (a non-bzip2 input fails now), a native one at the first read.
     */
    Decoding open(InputStream compressed, String archiveName) throws IOException {
        if (!isNative()) {
            BZip2CompressorInputStream bz =
                    new BZip2CompressorInputStream(new BufferedInputStream(compressed, DocumentReader.CHUNK), true);
            return new Decoding() {
                @Override
                public InputStream stream() {
                    return bz;
                }

                @Override
                public void close() {
                    try {
                        bz.close();
                    } catch (IOException e) {
                        LOG.debugf("closing %s: %s", archiveName, e);
                    }
                }
            };
        }
        return new NativeDecoding(command, compressed, archiveName);
    }

    /** A native decompressor process with its pump (stdin) and stderr threads. */
    private static final class NativeDecoding implements Decoding {
        private final String program;
        private final String archiveName;
        private final InputStream compressed;
        private final Process process;
        private final Thread pump;
        private final Thread errors;
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private final InputStream stream;
        private volatile Throwable sourceFailure;
        private volatile boolean closing;
        private boolean closed;

        NativeDecoding(List<String> command, InputStream compressed, String archiveName) throws IOException {
            this.program = Path.of(command.get(0)).getFileName().toString();
            this.archiveName = archiveName;
            this.compressed = compressed;
            this.process = new ProcessBuilder(command).start();
            String name = program + " " + process.pid();
            this.pump = new Thread(this::pump, name + " stdin");
            this.errors = new Thread(this::drainErrors, name + " stderr");
            pump.setDaemon(true);
            errors.setDaemon(true);
            pump.start();
            errors.start();
            this.stream = new FilterInputStream(process.getInputStream()) {
                private boolean ended;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    if (ended) {
                        return -1;
                    }
                    // filled as a file read is: the same read pattern as the Java decompressor's, so BombGuard
                    // counts alike
                    int n = in.readNBytes(b, off, len);
                    if (n > 0) {
                        return n;
                    }
                    ended = true;
                    endOfOutput();
                    return -1;
                }

                @Override
                public long skip(long n) throws IOException {
                    return readSkip(this, n);
                }
            };
        }

        @Override
        public InputStream stream() {
            return stream;
        }

        /** The process closed its output: returns when it exited cleanly, else throws its failure. */
        private void endOfOutput() throws IOException {
            int status;
            try {
                if (!process.waitFor(JOIN_MILLIS, TimeUnit.MILLISECONDS)) {
                    throw new IOException(program + " did not exit after closing its output");
                }
                status = process.exitValue();
                pump.join(JOIN_MILLIS);
                errors.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while " + program + " exited");
            }
            Throwable source = sourceFailure;
            if (source instanceof StorageReadFailure f) {
                throw f;
            } else if (source != null) {
                throw new IOException("reading the archive failed: " + InputScanner.message(source), source);
            }
            String message = stderrText();
            if (status != 0 || !message.isEmpty()) {
                throw new IOException(
                        program + " exited with status " + status + (message.isEmpty() ? "" : ": " + message));
            }
        }

        private String stderrText() {
            String text;
            synchronized (stderr) {
                text = stderr.toString(StandardCharsets.UTF_8);
            }
            text = text.strip().replaceAll("\\s+", " ");
            return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
        }

        private void pump() {
            byte[] buf = new byte[DocumentReader.CHUNK];
            try (OutputStream in = process.getOutputStream()) {
                while (true) {
                    int n;
                    try {
                        n = compressed.read(buf, 0, buf.length);
                    } catch (IOException | RuntimeException e) {
                        if (!closing) {
                            sourceFailure = e;
                        }
                        return; // closing stdin: the process reports a truncated input, the reader our failure
                    }
                    if (n < 0) {
                        return;
                    }
                    try {
                        in.write(buf, 0, n);
                    } catch (IOException e) {
                        return; // the process is gone (damage found, or killed): its exit tells the reader
                    }
                }
            } catch (IOException e) {
                LOG.debugf("closing the input of %s for %s: %s", program, archiveName, e);
            }
        }

        private void drainErrors() {
            byte[] buf = new byte[4096];
            try (InputStream err = process.getErrorStream()) {
                int n;
                while ((n = err.read(buf)) >= 0) {
                    synchronized (stderr) {
                        if (stderr.size() < 4 * MAX_MESSAGE) {
                            stderr.write(buf, 0, Math.min(n, 4 * MAX_MESSAGE - stderr.size()));
                        }
                    }
                }
            } catch (IOException e) {
                LOG.debugf("reading the errors of %s for %s: %s", program, archiveName, e);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            closing = true;
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            closeQuietly(process.getInputStream());
            closeQuietly(compressed); // unblocks a pump waiting on the source
            try {
                pump.join(JOIN_MILLIS);
                errors.join(JOIN_MILLIS);
                if (!process.waitFor(JOIN_MILLIS, TimeUnit.MILLISECONDS)) {
                    LOG.warnf(
                            "%s (pid %d) for %s did not exit after being killed", program, process.pid(), archiveName);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (pump.isAlive() || errors.isAlive()) {
                LOG.warnf("the threads of %s for %s did not end", program, archiveName);
            }
        }

        private void closeQuietly(Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debugf("closing a stream of %s for %s: %s", program, archiveName, e);
            }
        }
    }

    /** Skips by reading (so that the end-of-output check runs and every byte is counted). */
    private static long readSkip(InputStream in, long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(DocumentReader.CHUNK, Math.max(1, n))];
        long done = 0;
        while (done < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }
}
