package org.gmi.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.gmi.models.EpochReport;
import org.gmi.models.TrainingListener;

/**
 * The training progress on stderr, one line per report:
 * {@code epoch 12/550  loss 1.2345  (mi_feature 0.69, mi_neighbour 0.69, reconstruction 0.0123)  0.42 s/epoch  best 10  ETA 3m50s}.
 *
 * <p>On a terminal the line is redrawn in place ({@code \r}) at most ten times a second, cut to the
 * terminal's width ({@code -Dgmi.stderr.columns}, set by ./gmi) so that it never wraps. Elsewhere
 * (a log file, a pipe) plain lines are printed: every epoch when epochs take a second or more,
 * otherwise every tenth epoch, the first and the last, and at least one every 30 seconds. s/epoch is
 * the median of the last ten epochs (the first, slowed by JIT compilation, soon drops out); the ETA assumes every remaining epoch up to the maximum runs
 * (early stopping can end sooner).
 */
final class ProgressPrinter implements TrainingListener {
    private static final int WINDOW = 10;

    private final PrintWriter err;
    private final boolean terminal;
    private final PeakMemory memory;
    private final double[] recent = new double[WINDOW];
    private int seen;
    private long lastPrintNanos;
    private EpochReport last;
    private boolean lastPrinted;
    private int drawnWidth;

    ProgressPrinter(PrintWriter err, boolean terminal, PeakMemory memory) {
        this.err = err;
        this.terminal = terminal;
        this.memory = memory;
    }

    @Override
    public void onEpoch(EpochReport r) {
        memory.sample();
        recent[seen % WINDOW] = r.seconds();
        seen++;
        last = r;
        long now = System.nanoTime();
        double sinceLast = (now - lastPrintNanos) / 1e9;
        boolean print;
        if (terminal) {
            print = r.epoch() == 1 || r.epoch() == r.maxEpochs() || sinceLast >= 0.1;
        } else {
            boolean slow = recentSeconds() >= 1.0;
            print = slow || r.epoch() == 1 || r.epoch() % 10 == 0 || r.epoch() == r.maxEpochs() || sinceLast >= 30;
        }
        if (print) {
            draw(line(r));
            lastPrintNanos = now;
        }
        lastPrinted = print;
    }

    /** Ends the progress display: prints the last epoch if it was skipped, and ends a redrawn line. */
    void finish() {
        if (last != null && !lastPrinted) {
            draw(line(last));
        }
        if (terminal && drawnWidth > 0) {
            err.println();
        }
        err.flush();
        drawnWidth = 0;
    }

    private void draw(String line) {
        if (terminal) {
            int columns = Integer.getInteger("gmi.stderr.columns", 0);
            if (columns > 1 && line.length() > columns - 1) {
                line = line.substring(0, columns - 1);
            }
            String padded = line.length() < drawnWidth ? line + " ".repeat(drawnWidth - line.length()) : line;
            err.print("\r" + padded);
            drawnWidth = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** The median time of the last {@value #WINDOW} epochs. */
    private double recentSeconds() {
        return RunInfo.median(java.util.Arrays.copyOf(recent, Math.min(seen, WINDOW)));
    }

    String line(EpochReport r) {
        StringBuilder sb = new StringBuilder();
        int width = String.valueOf(r.maxEpochs()).length();
        sb.append("epoch ").append(Text.fmt("%" + width + "d", r.epoch())).append('/').append(r.maxEpochs());
        sb.append("  loss ").append(Text.fmt("%.4f", r.loss()));
        if (r.terms() != null && !r.terms().isEmpty()) {
            sb.append("  (");
            boolean first = true;
            for (Map.Entry<String, Double> t : r.terms().entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                sb.append(t.getKey()).append(' ').append(Text.sig4(t.getValue()));
            }
            sb.append(')');
        }
        double perEpoch = recentSeconds();
        sb.append("  ").append(perEpoch < 10 ? Text.fmt("%.3g", perEpoch) : Text.fmt("%.0f", perEpoch)).append(" s/epoch");
        sb.append("  best ").append(r.bestEpoch());
        int remaining = r.maxEpochs() - r.epoch();
        if (remaining > 0) {
            sb.append("  ETA ").append(Text.duration(remaining * perEpoch));
        }
        return sb.toString();
    }
}
