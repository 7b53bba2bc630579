package org.gmi.study.plot;

import java.util.Map;

/** One panel of {@link Charts#bars}: one bar per category (in the map's order), its value axis labelled "title: yLabel". */
public record BarPanel(String title, String yLabel, Map<String, Double> values) {}
