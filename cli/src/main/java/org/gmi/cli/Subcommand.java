package org.gmi.cli;

/**
 * A command that a module above the CLI adds to {@code gmi}: a picocli {@code @Command} class with a
 * public no-argument constructor, listed in that module's
 * {@code META-INF/services/org.gmi.cli.Subcommand}. {@link Main#commandLine()} adds every one found
 * on the class path, so the CLI depends on none of them (gmi-study provides study and plot).
 */
public interface Subcommand {}
