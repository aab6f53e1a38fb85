package io.leadscore.models.report;

import io.leadscore.models.eval.BinaryMetrics;
import io.leadscore.models.eval.CurvePoint;
import io.leadscore.models.eval.LiftGroup;
import io.leadscore.models.eval.ReliabilityBin;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of an evaluation, drawn with XChart (no display needed: the JVM is switched to
 * headless mode unless told otherwise). Each method writes one file and returns its path;
 * {@link #writeAll} writes the standard set under fixed names.
 */
public final class EvaluationPlots {

  public static final String ROC_PNG = "roc.png";
  public static final String PR_PNG = "precision_recall.png";
  public static final String CALIBRATION_PNG = "calibration.png";
  public static final String LIFT_GAINS_PNG = "lift_gains.png";
  public static final String FEATURE_IMPORTANCE_PNG = "feature_importance.png";

  private static final int WIDTH = 800;
  private static final int HEIGHT = 600;
  private static final Color DIAGONAL = new Color(150, 150, 150);

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private EvaluationPlots() {}

  /**
   * Writes ROC, precision-recall, calibration, lift/gains and (when {@code importances} is not
   * null) feature-importance plots into {@code directory}, creating it.
   *
   * @param title prefix of every chart title, e.g. the model name
   * @return the files written, in that order
   */
  public static List<Path> writeAll(
      String title, BinaryMetrics metrics, FeatureImportances.Result importances,
      Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create plot directory " + directory, e);
    }
    List<Path> written = new ArrayList<>();
    written.add(roc(title, metrics, directory.resolve(ROC_PNG)));
    written.add(precisionRecall(title, metrics, directory.resolve(PR_PNG)));
    written.add(calibration(title, metrics, directory.resolve(CALIBRATION_PNG)));
    written.add(liftAndGains(title, metrics, directory.resolve(LIFT_GAINS_PNG)));
    if (importances != null) {
      written.add(featureImportance(title, importances, 25,
          directory.resolve(FEATURE_IMPORTANCE_PNG)));
    }
    return written;
  }

  /** ROC curve with the chance diagonal; the legend gives the exact AUC. */
  public static Path roc(String title, BinaryMetrics m, Path png) {
    XYChart chart = xyChart(title + " — ROC", "false-positive rate", "true-positive rate");
    line(chart, "chance", new double[] {0, 1}, new double[] {0, 1}, DIAGONAL, true);
    line(chart, String.format(Locale.ROOT, "model (AUC %.4f)", m.rocAuc()),
        xs(m.rocCurve()), ys(m.rocCurve()), null, false);
    unitAxes(chart);
    chart.getStyler().setLegendPosition(LegendPosition.InsideSE);
    return save(chart, png);
  }

  /** Precision-recall curve with the positive rate as the no-skill line. */
  public static Path precisionRecall(String title, BinaryMetrics m, Path png) {
    XYChart chart = xyChart(title + " — precision / recall", "recall", "precision");
    double base = m.positiveRate();
    line(chart, String.format(Locale.ROOT, "no skill (%.3f)", base), new double[] {0, 1},
        new double[] {base, base}, DIAGONAL, true);
    line(chart, String.format(Locale.ROOT, "model (AP %.4f)", m.prAuc()),
        xs(m.prCurve()), ys(m.prCurve()), null, false);
    unitAxes(chart);
    chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
    return save(chart, png);
  }

  /** Reliability curve: observed positive rate against mean predicted probability per bin. */
  public static Path calibration(String title, BinaryMetrics m, Path png) {
    XYChart chart =
        xyChart(title + " — calibration", "mean predicted probability", "observed positive rate");
    line(chart, "perfect", new double[] {0, 1}, new double[] {0, 1}, DIAGONAL, true);
    List<ReliabilityBin> bins = m.calibration().bins();
    double[] x = bins.stream().mapToDouble(ReliabilityBin::meanPredicted).toArray();
    double[] y = bins.stream().mapToDouble(ReliabilityBin::observedRate).toArray();
    XYSeries s = chart.addSeries(
        String.format(Locale.ROOT, "model (ECE %.4f, %d bins)", m.ece(),
            m.options().calibrationBins()), x, y);
    s.setMarker(SeriesMarkers.CIRCLE);
    unitAxes(chart);
    chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
    return save(chart, png);
  }

  /** Two panels side by side: lift per group (bars) and cumulative gains (curve). */
  public static Path liftAndGains(String title, BinaryMetrics m, Path png) {
    List<LiftGroup> groups = m.lift();
    CategoryChart lift =
        new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
            .title(title + " — lift by group").xAxisTitle("group (1 = highest scores)")
            .yAxisTitle("lift").build();
    List<String> names = new ArrayList<>();
    List<Number> lifts = new ArrayList<>();
    for (LiftGroup g : groups) {
      names.add(Integer.toString(g.group()));
      lifts.add(g.lift());
    }
    lift.addSeries("lift", names, lifts);
    lift.getStyler().setLegendVisible(false);
    lift.getStyler().setChartBackgroundColor(Color.WHITE);

    XYChart gains = xyChart(title + " — cumulative gains", "share of rows contacted",
        "share of positives found");
    line(gains, "random", new double[] {0, 1}, new double[] {0, 1}, DIAGONAL, true);
    double[] x = new double[groups.size() + 1];
    double[] y = new double[groups.size() + 1];
    for (int i = 0; i < groups.size(); i++) {
      x[i + 1] = (double) groups.get(i).cumulativeRows() / m.rows();
      y[i + 1] = groups.get(i).cumulativeGain();
    }
    XYSeries s = gains.addSeries("model", x, y);
    s.setMarker(SeriesMarkers.CIRCLE);
    unitAxes(gains);
    gains.getStyler().setLegendPosition(LegendPosition.InsideSE);

    BufferedImage left = BitmapEncoder.getBufferedImage(lift);
    BufferedImage right = BitmapEncoder.getBufferedImage(gains);
    BufferedImage both =
        new BufferedImage(left.getWidth() + right.getWidth(),
            Math.max(left.getHeight(), right.getHeight()), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = both.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, both.getWidth(), both.getHeight());
    g.drawImage(left, 0, 0, null);
    g.drawImage(right, left.getWidth(), 0, null);
    g.dispose();
    try {
      createParent(png);
      if (!ImageIO.write(both, "png", png.toFile())) {
        throw new IllegalStateException("no PNG writer in this JVM");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
    return png;
  }

  /** Bar chart of the {@code top} most important features. */
  public static Path featureImportance(
      String title, FeatureImportances.Result importances, int top, Path png) {
    if (top < 1) {
      throw new IllegalArgumentException("top must be ≥ 1, cannot be: " + top);
    }
    List<FeatureImportance> shown =
        importances.importances().subList(0, Math.min(top, importances.importances().size()));
    if (shown.isEmpty()) {
      throw new IllegalArgumentException("no feature importances to plot");
    }
    CategoryChart chart =
        new CategoryChartBuilder().width(WIDTH + 200).height(HEIGHT + 100)
            .title(title + " — top " + shown.size() + " features")
            .xAxisTitle("feature").yAxisTitle(importances.kind().label()).build();
    List<String> names = new ArrayList<>();
    List<Number> values = new ArrayList<>();
    for (FeatureImportance f : shown) {
      names.add(f.feature().length() > 40 ? f.feature().substring(0, 39) + "…" : f.feature());
      values.add(f.importance());
    }
    chart.addSeries(importances.kind().label(), names, values);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(60);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    return save(chart, png);
  }

  private static XYChart xyChart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(6);
    return chart;
  }

  private static void line(
      XYChart chart, String name, double[] x, double[] y, Color color, boolean dashed) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.NONE);
    if (color != null) {
      s.setLineColor(color);
    }
    if (dashed) {
      s.setLineStyle(SeriesLines.DASH_DASH);
    }
  }

  private static void unitAxes(XYChart chart) {
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setXAxisMax(1.0);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
  }

  private static double[] xs(List<CurvePoint> points) {
    return points.stream().mapToDouble(CurvePoint::x).toArray();
  }

  private static double[] ys(List<CurvePoint> points) {
    return points.stream().mapToDouble(CurvePoint::y).toArray();
  }

  private static Path save(Chart<?, ?> chart, Path png) {
    try {
      createParent(png);
      try (OutputStream out = Files.newOutputStream(png)) {
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
    return png;
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }
}
