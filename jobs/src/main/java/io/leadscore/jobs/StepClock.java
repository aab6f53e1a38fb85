package io.leadscore.jobs;

import io.leadscore.jobs.cli.JobContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Names each step in the Spark UI (ctx.step) and keeps its wall time for a closing line. */
final class StepClock {
  private final JobContext ctx;
  private final Map<String, Long> millis = new LinkedHashMap<>();
  private String current;
  private long since;

  StepClock(JobContext ctx) {
    this.ctx = ctx;
  }

  void step(String what) {
    stop();
    ctx.step(what);
    current = what;
    since = System.nanoTime();
  }

  /** "step times: list files 0.4 s, append to bronze 12.1 s, …" */
  String summary() {
    stop();
    return "step times: " + millis.entrySet().stream()
        .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue() / 1000.0))
        .collect(Collectors.joining(", "));
  }

  private void stop() {
    if (current != null) {
      millis.merge(current, (System.nanoTime() - since) / 1_000_000, Long::sum);
      current = null;
    }
  }
}
