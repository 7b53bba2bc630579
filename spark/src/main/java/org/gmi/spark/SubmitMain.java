package org.gmi.spark;

import java.util.ArrayList;
import java.util.List;
import org.gmi.cli.Main;

/**
 * The entry point for {@code spark-submit}: {@code spark-submit --class org.gmi.spark.SubmitMain
 * gmi-spark.jar train --method gmi --dataset DIR --batch-size 512 --out OUT}. The arguments are the
 * gmi command line; {@code train} runs with {@code --engine spark} on the master spark-submit chose.
 */
public final class SubmitMain {
    private SubmitMain() {}

    public static void main(String[] args) {
        List<String> line = new ArrayList<>(List.of(args));
        if (!line.isEmpty() && line.get(0).equals("train") && line.stream().noneMatch(a -> a.equals("--engine") || a.startsWith("--engine="))) {
            line.add("--engine");
            line.add("spark");
        }
        Main.main(line.toArray(String[]::new));
    }
}
