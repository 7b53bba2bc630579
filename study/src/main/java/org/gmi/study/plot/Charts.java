package org.gmi.study.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Ellipse2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The charts of {@code gmi study} and {@code gmi plot}, drawn with JFreeChart, returned as PNG bytes
 * (the caller writes them atomically).
 *
 * <p>The only package that touches java.desktop (AWT): {@code gmi train}, {@code eval} and
 * {@code bench} never load it, so they run on a Java runtime linked without java.desktop. Its
 * arguments are plain records of this package ({@link Line}, {@link LinePanel}, {@link BarPanel}) that
 * name no AWT type, so the commands that call it load AWT only when they draw. Loading this class
 * switches AWT to headless mode first: no display is needed or used.
 *
 * <p>Colours follow the series (or category) name through every panel of a chart, from the
 * Tableau 10 palette in order of first appearance.
 */
public final class Charts {
    static {
        // before any AWT class is initialised: charts render off-screen, with or without a display
        System.setProperty("java.awt.headless", "true");
    }

    private static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)};
    private static final Font PANEL_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 12);

    private Charts() {}

    /**
     * Panels stacked over one shared x axis; one legend for the line names of all panels.
     *
     * @param integerX ticks at whole numbers only (epochs, widths, layer counts)
     * @param shapes   mark each point (few points) instead of a plain line (many)
     */
    public static byte[] lines(String title, String xLabel, List<LinePanel> panels, boolean integerX, boolean shapes,
                               int width, int panelHeight) {
        NumberAxis x = new NumberAxis(xLabel);
        if (integerX) {
            x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        x.setAutoRangeIncludesZero(false);
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(x);
        combined.setGap(12);
        Map<String, Color> colours = new LinkedHashMap<>();
        for (LinePanel p : panels) {
            boolean errorBars = p.lines().stream().anyMatch(l -> l.err() != null);
            XYLineAndShapeRenderer renderer;
            XYPlot plot;
            NumberAxis y = new NumberAxis(p.yLabel());
            y.setAutoRangeIncludesZero(false);
            // a nearly flat curve gets a readable axis, not ticks in the fifth decimal
            y.setAutoRangeMinimumSize(0.05);
            // room above the lines for the panel's title
            y.setUpperMargin(0.18);
            if (errorBars) {
                YIntervalSeriesCollection data = new YIntervalSeriesCollection();
                for (Line l : p.lines()) {
                    YIntervalSeries s = new YIntervalSeries(l.name(), false, true);
                    for (int i = 0; i < l.x().length; i++) {
                        double e = l.err() == null || !Double.isFinite(l.err()[i]) ? 0 : l.err()[i];
                        s.add(l.x()[i], l.y()[i], l.y()[i] - e, l.y()[i] + e);
                    }
                    data.addSeries(s);
                }
                XYErrorRenderer r = new XYErrorRenderer();
                r.setDrawXError(false);
                r.setDrawYError(true);
                r.setDefaultLinesVisible(true);
                renderer = r;
                plot = new XYPlot(data, null, y, renderer);
            } else {
                XYSeriesCollection data = new XYSeriesCollection();
                for (Line l : p.lines()) {
                    XYSeries s = new XYSeries(l.name(), false, true);
                    for (int i = 0; i < l.x().length; i++) {
                        s.add(l.x()[i], l.y()[i]);
                    }
                    data.addSeries(s);
                }
                renderer = new XYLineAndShapeRenderer(true, shapes);
                plot = new XYPlot(data, null, y, renderer);
            }
            for (int k = 0; k < p.lines().size(); k++) {
                Color c = colour(colours, p.lines().get(k).name());
                renderer.setSeriesPaint(k, c);
                renderer.setSeriesStroke(k, new BasicStroke(1.6f));
                renderer.setSeriesShape(k, new Ellipse2D.Double(-3, -3, 6, 6));
            }
            style(plot);
            TextTitle label = new TextTitle(p.title(), PANEL_FONT);
            label.setBackgroundPaint(new Color(255, 255, 255, 200));
            plot.addAnnotation(new XYTitleAnnotation(0.01, 0.98, label, RectangleAnchor.TOP_LEFT));
            combined.add(plot, 1);
        }
        LegendItemCollection legend = new LegendItemCollection();
        colours.forEach((name, c) -> legend.add(new LegendItem(name, c)));
        combined.setFixedLegendItems(legend);
        return png(chart(title, combined, true), width, Math.max(1, panels.size()) * panelHeight + 90);
    }

    /** Bar panels stacked over one shared category axis, one colour per category. */
    public static byte[] bars(String title, List<BarPanel> panels, int width, int panelHeight) {
        return png(chart(title, barPlot(panels), false), width, Math.max(1, panels.size()) * panelHeight + 120);
    }

    /** The stacked bar panels of {@link #bars}, before rendering. */
    static CombinedDomainCategoryPlot barPlot(List<BarPanel> panels) {
        CategoryAxis categories = new CategoryAxis();
        categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        CombinedDomainCategoryPlot combined = new CombinedDomainCategoryPlot(categories);
        combined.setGap(12);
        Map<String, Color> colours = new LinkedHashMap<>();
        // Every panel lists every category, in one order (absent ones without a value): the shared
        // axis places a panel's bars by their index in its own dataset, so a panel with fewer
        // categories would otherwise put its bars under other categories' labels.
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        for (BarPanel b : panels) {
            all.addAll(b.values().keySet());
        }
        for (BarPanel b : panels) {
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            for (String category : all) {
                data.addValue(b.values().get(category), "value", category);
                colour(colours, category);
            }
            BarRenderer renderer = new BarRenderer() {
                @Override
                public Paint getItemPaint(int row, int column) {
                    return colours.get((String) data.getColumnKey(column));
                }
            };
            renderer.setBarPainter(new StandardBarPainter());
            renderer.setShadowVisible(false);
            renderer.setItemMargin(0);
            renderer.setMaximumBarWidth(0.12);
            NumberAxis y = new NumberAxis(b.title() + ": " + b.yLabel());
            CategoryPlot plot = new CategoryPlot(data, null, y, renderer);
            plot.setOrientation(PlotOrientation.VERTICAL);
            plot.setBackgroundPaint(Color.WHITE);
            plot.setRangeGridlinePaint(new Color(0xDDDDDD));
            plot.setOutlineVisible(false);
            combined.add(plot, 1);
        }
        return combined;
    }

    /** A scatter of 2-D points coloured by class (label -1: unlabelled, grey). */
    public static byte[] scatter(String title, String xLabel, String yLabel, float[] xs, float[] ys, int[] labels,
                                 int width, int height) {
        Map<Integer, XYSeries> byClass = new java.util.TreeMap<>();
        for (int i = 0; i < xs.length; i++) {
            byClass.computeIfAbsent(labels[i], c -> new XYSeries(c < 0 ? "unlabelled" : "class " + c, false, true))
                    .add(xs[i], ys[i]);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        byClass.values().forEach(data::addSeries);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        int k = 0;
        for (Map.Entry<Integer, XYSeries> e : byClass.entrySet()) {
            Color c = e.getKey() < 0 ? new Color(0xBBBBBB) : PALETTE[Math.floorMod(e.getKey(), PALETTE.length)];
            renderer.setSeriesPaint(k, new Color(c.getRed(), c.getGreen(), c.getBlue(), 170));
            renderer.setSeriesShape(k, new Ellipse2D.Double(-2, -2, 4, 4));
            k++;
        }
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        style(plot);
        return png(chart(title, plot, true), width, height);
    }

    private static Color colour(Map<String, Color> colours, String name) {
        return colours.computeIfAbsent(name, n -> PALETTE[colours.size() % PALETTE.length]);
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setOutlineVisible(false);
    }

    private static JFreeChart chart(String title, org.jfree.chart.plot.Plot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        if (legend && chart.getLegend() != null) {
            chart.getLegend().setFrame(BlockBorder.NONE);
            chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        }
        return chart;
    }

    private static byte[] png(JFreeChart chart, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
