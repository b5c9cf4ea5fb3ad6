package dev.firehose.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the main results as a PNG: one panel per endpoint and record size, one horizontal bar per
 * contender (median records/s, with the slowest and fastest run as a whisker). Plain Java2D, so it
 * runs headless with nothing to install.
 */
final class ResultsChart {

    private static final int PANEL_WIDTH = 460;
    private static final int LABEL_WIDTH = 150;
    private static final int BAR_HEIGHT = 18;
    private static final int BAR_GAP = 8;
    private static final int PANEL_TITLE = 28;
    private static final int MARGIN = 16;
    private static final Color CEILING = new Color(0x8a8f98);
    private static final Color LOOP = new Color(0xd9822b);
    private static final Color PRODUCER = new Color(0x2b6cb0);
    private static final Color WHISKER = new Color(0x1a202c);

    private ResultsChart() {
    }

    static void write(SuiteResults results, Path png) throws IOException {
        List<String> endpoints = results.main.stream().map(ScenarioResult::endpoint).distinct().toList();
        List<Integer> sizes = results.main.stream().map(ScenarioResult::recordSize).distinct().sorted().toList();
        List<String> keys = results.main.stream().map(ScenarioResult::key).distinct().toList();
        if (endpoints.isEmpty()) {
            return;
        }
        int panelHeight = PANEL_TITLE + keys.size() * (BAR_HEIGHT + BAR_GAP) + 24;
        int width = Math.max(2 * PANEL_WIDTH, MARGIN + sizes.size() * (PANEL_WIDTH + MARGIN));
        int height = 44 + endpoints.size() * (panelHeight + MARGIN);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(WHISKER);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString("Records per second: median of runs, whiskers from the slowest to the fastest run", MARGIN, 28);
            for (int row = 0; row < endpoints.size(); row++) {
                for (int column = 0; column < sizes.size(); column++) {
                    int x = MARGIN + column * (PANEL_WIDTH + MARGIN);
                    int y = 44 + row * (panelHeight + MARGIN);
                    panel(g, results, endpoints.get(row), sizes.get(column), keys, x, y, panelHeight);
                }
            }
        } finally {
            g.dispose();
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private static void panel(Graphics2D g, SuiteResults results, String endpoint, int size, List<String> keys,
                              int x, int y, int height) {
        g.setColor(new Color(0xf7fafc));
        g.fillRect(x, y, PANEL_WIDTH, height);
        g.setColor(new Color(0xcbd5e0));
        g.drawRect(x, y, PANEL_WIDTH, height);
        g.setColor(WHISKER);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(endpoint + ", " + ResultsReport.size(size) + " records", x + 8, y + 19);
        double max = 0;
        for (ScenarioResult r : results.main) {
            if (r.endpoint().equals(endpoint) && r.recordSize() == size && r.measured()) {
                max = Math.max(max, r.max(RunMeasurement::recordsPerSecond));
            }
        }
        int barArea = PANEL_WIDTH - LABEL_WIDTH - 90;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics metrics = g.getFontMetrics();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            int barY = y + PANEL_TITLE + i * (BAR_HEIGHT + BAR_GAP);
            g.setColor(WHISKER);
            g.drawString(key, x + 8, barY + BAR_HEIGHT - 5);
            ScenarioResult result = results.main.stream()
                    .filter(r -> r.endpoint().equals(endpoint) && r.recordSize() == size && r.key().equals(key))
                    .findFirst().orElse(null);
            int barX = x + LABEL_WIDTH;
            if (result == null || !result.measured() || max <= 0) {
                g.drawString("not measured", barX, barY + BAR_HEIGHT - 5);
                continue;
            }
            double median = result.recordsPerSecond();
            int length = (int) Math.round(barArea * median / max);
            g.setColor(key.startsWith("ceiling") ? CEILING : key.equals("loop") ? LOOP : PRODUCER);
            g.fillRect(barX, barY, Math.max(1, length), BAR_HEIGHT);
            int labelX = barX + length + 6;
            if (result.runs().size() > 1) {
                int low = barX + (int) Math.round(barArea * result.min(RunMeasurement::recordsPerSecond) / max);
                int high = barX + (int) Math.round(barArea * result.max(RunMeasurement::recordsPerSecond) / max);
                int middle = barY + BAR_HEIGHT / 2;
                g.setColor(WHISKER);
                g.setStroke(new BasicStroke(1.5f));
                g.drawLine(low, middle, high, middle);
                g.drawLine(low, middle - 4, low, middle + 4);
                g.drawLine(high, middle - 4, high, middle + 4);
                labelX = Math.max(labelX, high + 6);
            }
            String label = compact(median);
            g.setColor(WHISKER);
            g.drawString(label, Math.min(labelX, x + PANEL_WIDTH - metrics.stringWidth(label) - 4),
                    barY + BAR_HEIGHT - 5);
        }
    }

    private static String compact(double value) {
        if (value >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2f M", value / 1_000_000);
        }
        if (value >= 1_000) {
            return String.format(Locale.ROOT, "%.0f k", value / 1_000);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }
}
