package org.gmi.cli;

import org.gmi.graph.Downloads;
import org.gmi.graph.GraphFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gmi datasets download NAME}: fetches a downloadable dataset into the cache now (any command
 * given the name does so on first use), e.g. before going offline.
 */
@Command(name = "download", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        description = {"Download a dataset by name into the cache ($GMI_DATA, else ~/.cache/gmi).",
                "",
                "Checks every file against its pinned SHA-256 where known and the whole",
                "dataset through its loader, then moves it into the cache in one step."},
        footer = {"", "Exit codes: 0 success, 2 unknown name, download or check failed, 1 anything else."})
final class DatasetsDownloadCommand extends GmiCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "A name gmi datasets lists as downloadable (cora and citeseer too).")
    String name;

    @Option(names = "--force", description = "Download again even when the dataset is cached.")
    boolean force;

    @Override
    protected int run() {
        Downloads.Entry e = Downloads.find(name).orElseThrow(() -> new BadInputException("datasets download: unknown name '"
                + name + "'; downloadable: " + String.join(", ", Downloads.entries().stream().map(Downloads.Entry::name).toList())));
        if (Downloads.isCached(e) && !force) {
            out().println(e.name() + " is cached in " + Downloads.folder(e) + " (--force downloads it again)");
            return ExitCodes.OK;
        }
        try {
            Downloads.download(e, message -> err().println(message));
        } catch (GraphFormatException ex) {
            throw new BadInputException(ex.getMessage(), ex);
        }
        out().println(e.name() + " cached in " + Downloads.folder(e));
        return ExitCodes.OK;
    }
}
