package io.leadscore.jobs.generate;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;

/**
 * Where the generator writes. Exports (the pipeline reads them):
 * {@code <landing>/synthetic/leads/<yyyy-MM-dd>/leads_<yyyy-MM-dd>.csv} and
 * {@code <landing>/synthetic/events/<yyyy-MM-dd>/events_<yyyy-MM-dd>.jsonl}, one of each per
 * daily drop. Truth (never read by the pipeline): {@code <truth>/truth_<yyyy-MM-dd>.csv} per
 * creation day and {@code <truth>/_generator.json}. Each file has a number (kind × days + day)
 * that the Spark records carry.
 */
public final class DropFiles implements Serializable {
  public static final String SOURCE = "synthetic";
  public static final String LEADS_FOLDER = "leads";
  public static final String EVENTS_FOLDER = "events";
  public static final String SUMMARY_FILE = "_generator.json";

  /** The three kinds of files, in file-number order. */
  public enum Kind {
    LEADS, EVENTS, TRUTH
  }

  private final String landing;
  private final String truth;
  private final LocalDate start;
  private final int days;

  public DropFiles(String landing, String truth, LocalDate start, int days) {
    this.landing = stripSlash(landing);
    this.truth = stripSlash(truth);
    this.start = start;
    this.days = days;
  }

  public static String stripSlash(String path) {
    return path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
  }

  public int days() {
    return days;
  }

  public int fileCount() {
    return Kind.values().length * days;
  }

  public int fileNumber(Kind kind, int day) {
    return kind.ordinal() * days + day;
  }

  public Kind kindOf(int fileNumber) {
    return Kind.values()[fileNumber / days];
  }

  public int dayOf(int fileNumber) {
    return fileNumber % days;
  }

  /** {@code <landing>/synthetic/leads}: the folder of the lead drops. */
  public String leadsRoot() {
    return landing + "/" + SOURCE + "/" + LEADS_FOLDER;
  }

  public String eventsRoot() {
    return landing + "/" + SOURCE + "/" + EVENTS_FOLDER;
  }

  public String truthRoot() {
    return truth;
  }

  public String path(int fileNumber) {
    String date = start.plusDays(dayOf(fileNumber)).toString();
    return switch (kindOf(fileNumber)) {
      case LEADS -> leadsRoot() + "/" + date + "/leads_" + date + ".csv";
      case EVENTS -> eventsRoot() + "/" + date + "/events_" + date + ".jsonl";
      case TRUTH -> truth + "/truth_" + date + ".csv";
    };
  }

  public String path(Kind kind, int day) {
    return path(fileNumber(kind, day));
  }

  public String summaryPath() {
    return truth + "/" + SUMMARY_FILE;
  }

  /** The roots this run writes under, for the check of leftovers from other runs. */
  public List<String> roots() {
    return List.of(leadsRoot(), eventsRoot(), truthRoot());
  }
}
