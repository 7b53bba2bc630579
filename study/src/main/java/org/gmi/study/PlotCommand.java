package org.gmi.study;

import org.gmi.cli.AtomicOutputs;
import org.gmi.cli.Text;
import org.gmi.cli.DatasetOptions;
import org.gmi.cli.ExitCodes;
import org.gmi.cli.GmiCommand;
import org.gmi.cli.BadInputException;
import org.gmi.graph.Npy;
import org.gmi.cli.Main;
import org.gmi.cli.Subcommand;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gmi.study.plot.Charts;
import org.gmi.engine.Matrix;
import org.gmi.graph.Graph;
import org.gmi.models.eval.Pca;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gmi plot}: charts from files already written. {@code gmi plot embeddings} draws the 2-D PCA
 * projection of an embeddings file, coloured by class. (The study's charts are drawn by
 * {@code gmi study}, which also redraws them when run again over a finished grid.)
 */
@Command(name = "plot", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Draw charts from files already written."},
        subcommands = {PlotCommand.Embeddings.class})
public final class PlotCommand extends GmiCommand implements Subcommand {
    @Override
    protected int run() {
        throw new BadInputException("missing chart: 'gmi plot embeddings ...' (see 'gmi plot --help')");
    }

    /** What to say when drawing fails for want of AWT (a runtime linked without java.desktop). */
    static String noDesktop(LinkageError e) {
        return "charts need the java.desktop module (AWT), which this Java runtime lacks (" + e + "); run gmi on a full JDK";
    }

    /** {@code gmi plot embeddings --embeddings FILE.npy --dataset NAME|PATH --out FILE.png}. */
    @Command(name = "embeddings", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
            description = {"Project embeddings onto their first two principal components (PCA) and draw them as a",
                    "scatter coloured by class label (unlabelled nodes grey); writes a PNG."},
            footer = {"", "Example:", "  gmi plot embeddings --embeddings runs/cora-gmi/embeddings.npy --dataset cora --out cora-gmi.png"})
    static final class Embeddings extends GmiCommand {
        @Option(names = "--embeddings", required = true, paramLabel = "FILE.npy",
                description = "Embeddings written by gmi train (float32, nodes x dimensions).")
        Path embeddings;

        @Mixin
        DatasetOptions data;

        @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "The PNG to write.")
        Path outFile;

        @Option(names = "--force", description = "Replace the --out file if it exists.")
        boolean force;

        @Option(names = "--title", paramLabel = "TEXT", description = "Chart title (default: the file and dataset names).")
        String title;

        @Override
        protected int run() throws Exception {
            PrintWriter err = err();
            data.validate();
            requireRegularFile("--embeddings", embeddings);
            require(!Files.isDirectory(outFile), "--out: '" + outFile + "' is a folder; give a file name such as embeddings.png");
            require(force || !Files.exists(outFile), "--out: '" + outFile + "' exists; pass --force to replace it");
            Path parent = outFile.toAbsolutePath().getParent();
            require(parent != null && Files.isDirectory(parent), "--out: folder '" + parent + "' does not exist");

            Matrix x = Npy.readMatrix(embeddings);
            requireUsableEmbeddings("--embeddings", embeddings, x);
            Graph graph = data.load();
            require(x.rows == graph.numNodes(), "--embeddings: '" + embeddings + "' has " + x.rows + " rows but dataset "
                    + graph.name() + " has " + graph.numNodes() + " nodes");
            require(x.rows >= 2 && x.cols >= 2, "--embeddings: a 2-D projection needs at least 2 rows and 2 columns, got "
                    + x.rows + " x " + x.cols);
            Pca pca = Pca.fit(x, 2);
            Matrix y = pca.project(x);
            float[] px = new float[y.rows];
            float[] py = new float[y.rows];
            for (int i = 0; i < y.rows; i++) {
                px[i] = y.get(i, 0);
                py[i] = y.get(i, 1);
            }
            double[] ratio = pca.explainedRatio();
            String heading = title != null ? title : "PCA of " + embeddings.getFileName() + " (" + graph.name() + ", "
                    + x.rows + " x " + x.cols + ")";
            byte[] png;
            try {
                png = Charts.scatter(heading, Text.fmt("PC1 (%.1f %% of variance)", 100 * ratio[0]),
                    Text.fmt("PC2 (%.1f %% of variance)", 100 * ratio[1]), px, py, graph.labels(), 900, 700);
            } catch (LinkageError e) {
                throw new IllegalStateException(noDesktop(e), e);
            }
            try (AtomicOutputs outputs = new AtomicOutputs()) {
                Files.write(outputs.temp(outFile), png);
                outputs.commit();
            }
            err.println(Text.fmt("PCA: the first two components explain %.1f %% and %.1f %% of the variance", 100 * ratio[0],
                    100 * ratio[1]));
            err.println("wrote " + outFile);
            return ExitCodes.OK;
        }
    }
}
