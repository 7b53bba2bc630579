package org.gmi.study.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.junit.jupiter.api.Test;

class ChartsTest {
    /**
     * Panels with fewer categories than others (a dataset where only some methods ran) keep each bar
     * under its own label: every panel lists every category in one order, the missing ones empty.
     */
    @Test
    void barPanelsShareOneCategoryOrder() {
        Map<String, Double> full = new LinkedHashMap<>();
        full.put("dgi", 1.0);
        full.put("gmi", 2.0);
        full.put("gmi-adaptive", 3.0);
        Map<String, Double> partial = new LinkedHashMap<>();
        partial.put("gmi", 5.0);
        partial.put("dgi", 4.0);
        CombinedDomainCategoryPlot plot = Charts.barPlot(List.of(
                new BarPanel("cora", "s", full), new BarPanel("photo", "s", partial)));
        @SuppressWarnings("unchecked")
        List<CategoryPlot> panels = plot.getSubplots();
        for (CategoryPlot p : panels) {
            assertEquals(List.of("dgi", "gmi", "gmi-adaptive"), p.getDataset().getColumnKeys(), p.getRangeAxis().getLabel());
        }
        assertEquals(4.0, panels.get(1).getDataset().getValue("value", "dgi").doubleValue());
        assertEquals(5.0, panels.get(1).getDataset().getValue("value", "gmi").doubleValue());
        assertNull(panels.get(1).getDataset().getValue("value", "gmi-adaptive"));
    }
}
