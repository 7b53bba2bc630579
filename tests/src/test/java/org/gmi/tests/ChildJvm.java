package org.gmi.tests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.gmi.cli.Main;

/**
 * The real {@code gmi} command in a separate JVM: {@code java --add-modules jdk.incubator.vector
 * -cp <this test's class path> org.gmi.cli.Main ARGS}, with its stderr collected line by line, so a
 * test can wait for a moment of the run and kill it with SIGKILL ({@link Process#destroyForcibly()}).
 * Closing it kills a child that is still running.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final List<String> errLines = new ArrayList<>();
    private final Thread reader;

    private ChildJvm(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (errLines) {
                        errLines.add(line);
                        errLines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process was killed: its stream ends
            }
        }, "child-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code gmi ARGS} with extra JVM options (e.g. {@code -Xmx64m}; default heap 256m). */
    static ChildJvm start(List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add("-XX:+UseSerialGC");
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Xmx"))) {
            cmd.add("-Xmx256m");
        }
        cmd.addAll(jvmOptions);
        String simd = System.getProperty("gmi.simd");
        if (simd != null) {
            cmd.add("-Dgmi.simd=" + simd); // the same kernels as this JVM, for bit-for-bit comparisons
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return new ChildJvm(pb.start());
    }

    static ChildJvm start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** Waits until a stderr line matches; returns it. Fails if the process ends first or time runs out. */
    String awaitLine(Predicate<String> match, double timeoutSeconds) throws InterruptedException {
        long end = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        int seen = 0;
        synchronized (errLines) {
            while (true) {
                for (; seen < errLines.size(); seen++) {
                    if (match.test(errLines.get(seen))) {
                        return errLines.get(seen);
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    throw new AssertionError("no such stderr line (" + (process.isAlive() ? "timed out" : "process ended, exit "
                            + process.exitValue()) + "); stderr so far:\n" + String.join("\n", errLines));
                }
                errLines.wait(Math.max(1, Math.min(50, left / 1_000_000)));
            }
        }
    }

    /** Polls {@code condition} every few milliseconds while the child runs; fails if the child ends first or time runs out. */
    void await(String what, BooleanSupplier condition, double timeoutSeconds) throws InterruptedException {
        long end = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError("the child ended (exit " + process.exitValue() + ") before " + what + "; stderr:\n" + stderr());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + "; stderr:\n" + stderr());
            }
            Thread.sleep(3);
        }
    }

    /** SIGKILL, then waits for the process to be gone. Asserts it was still running. */
    void kill() throws InterruptedException {
        if (!process.isAlive()) {
            throw new AssertionError("the child had already ended (exit " + process.exitValue() + "); stderr:\n" + stderr());
        }
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
        reader.join(10_000);
    }

    /** Waits for the child to end by itself; returns its exit code. */
    int waitFor(double timeoutSeconds) throws InterruptedException {
        if (!process.waitFor((long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child did not end within " + timeoutSeconds + " s; stderr:\n" + stderr());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    /** The child's process id. */
    long pid() {
        return process.pid();
    }

    String stderr() {
        synchronized (errLines) {
            return String.join("\n", errLines);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
