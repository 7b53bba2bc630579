package org.gmi.study.plot;

import java.util.List;

/** One panel of lines in {@link Charts#lines}: titled in its top-left corner, with its own y axis. */
public record LinePanel(String title, String yLabel, List<Line> lines) {}
