package io.leadscore.jobs.metrics;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.pushgateway.Format;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one job run reports to the Prometheus Pushgateway: status, duration, row counts, run id
 * and any gauges the job adds. Pushing never fails a job: when the Pushgateway cannot be
 * reached, {@link #push} prints one warning and returns false.
 */
public final class JobMetrics {
  public static final String PREFIX = "leadscore_";
  public static final String JOB_GROUP_PREFIX = "leadscore_";

  /** Names of the row counts every job may report; jobs add their own as needed. */
  public static final String ROWS_READ = "read";
  public static final String ROWS_WRITTEN = "written";
  public static final String ROWS_REJECTED = "rejected";

  private final String job;
  private final String runId;
  private final Map<String, Long> rows = new LinkedHashMap<>();
  private final Map<SeriesKey, GaugeValue> gauges = new LinkedHashMap<>();

  private record SeriesKey(String name, List<String> labelValues) {}

  private record GaugeValue(String help, String[] labelNames, String[] labelValues, double value) {}

  public JobMetrics(String job, String runId) {
    this.job = Objects.requireNonNull(job, "job");
    this.runId = Objects.requireNonNull(runId, "runId");
  }

  public String job() {
    return job;
  }

  public String runId() {
    return runId;
  }

  /** Adds to the count of rows of one kind (read, written, rejected, quarantined, ...). */
  public synchronized JobMetrics addRows(String kind, long count) {
    if (count < 0) {
      throw new IllegalArgumentException(
          String.format("row count of '%s' must be >= 0, cannot be: %s", kind, count));
    }
    rows.merge(kind, count, Long::sum);
    return this;
  }

  public synchronized long rows(String kind) {
    return rows.getOrDefault(kind, 0L);
  }

  public synchronized Map<String, Long> rowCounts() {
    return Map.copyOf(rows);
  }

  /** A job-specific gauge, e.g. {@code gauge("score_psi", "PSI of the score", 0.03)}. */
  public synchronized JobMetrics gauge(String name, String help, double value) {
    return gauge(name, help, new String[0], new String[0], value);
  }

  /** A job-specific gauge with labels; the same name with other label values adds a series. */
  public synchronized JobMetrics gauge(String name, String help, String[] labelNames,
      String[] labelValues, double value) {
    if (labelNames.length != labelValues.length) {
      throw new IllegalArgumentException("label names and values differ in length");
    }
    gauges.put(new SeriesKey(name, List.of(labelValues)),
        new GaugeValue(help, labelNames.clone(), labelValues.clone(), value));
    return this;
  }

  /**
   * Pushes this run's metrics to {@code hostPort} under the group {@code job=leadscore_<job>}.
   * A successful run replaces the group (PUT); a failed one only adds its series (POST), so
   * the last success timestamp survives a failure.
   *
   * @return whether the push reached the Pushgateway
   */
  public synchronized boolean push(String hostPort, boolean succeeded, Duration duration) {
    try {
      pushOrThrow(hostPort, succeeded, duration);
      return true;
    } catch (Exception e) {
      System.err.printf("WARN leadscore %s: metrics not pushed to the Pushgateway at %s (%s);"
          + " the job result stands%n", job, hostPort, e);
      return false;
    }
  }

  private void pushOrThrow(String hostPort, boolean succeeded, Duration duration)
      throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    double now = System.currentTimeMillis() / 1000.0;
    Gauge.builder().name(PREFIX + "job_success")
        .help("1 when the last run of the job succeeded, 0 when it failed")
        .register(registry).set(succeeded ? 1 : 0);
    Gauge.builder().name(PREFIX + "job_duration_seconds").help("Wall time of the last run")
        .register(registry).set(duration.toMillis() / 1000.0);
    Gauge.builder().name(PREFIX + "job_last_run_timestamp_seconds")
        .help("When the last run ended (Unix time)").register(registry).set(now);
    if (succeeded) {
      Gauge.builder().name(PREFIX + "job_last_success_timestamp_seconds")
          .help("When the last successful run ended (Unix time)").register(registry).set(now);
    }
    Gauge.builder().name(PREFIX + "job_last_run").help("Run id and outcome of the last run")
        .labelNames("run_id", "status").register(registry)
        .labelValues(runId, succeeded ? "success" : "failed").set(1);
    Gauge rowGauge = Gauge.builder().name(PREFIX + "job_rows")
        .help("Rows of the last run, by kind (read, written, rejected, ...)")
        .labelNames("kind").register(registry);
    rows.forEach((kind, count) -> rowGauge.labelValues(kind).set(count));
    Map<String, Gauge> registered = new LinkedHashMap<>();
    gauges.forEach((key, g) -> {
      String name = PREFIX + key.name();
      Gauge gauge = registered.computeIfAbsent(name, n -> Gauge.builder().name(n).help(g.help())
          .labelNames(g.labelNames()).register(registry));
      gauge.labelValues(g.labelValues()).set(g.value());
    });
    PushGateway pushGateway = PushGateway.builder()
        .address(hostPort)
        .job(JOB_GROUP_PREFIX + job)
        .registry(registry)
        .format(Format.PROMETHEUS_TEXT)
        .connectionTimeout(Duration.ofSeconds(3))
        .readTimeout(Duration.ofSeconds(10))
        .build();
    if (succeeded) {
      pushGateway.push();
    } else {
      pushGateway.pushAdd();
    }
  }
}
