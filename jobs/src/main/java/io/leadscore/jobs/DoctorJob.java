package io.leadscore.jobs;

import io.leadscore.jobs.cli.JobCommand;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.jobs.cli.LeadscoreException;
import io.leadscore.transforms.lakehouse.Table;
import io.delta.tables.DeltaTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * Checks that a deployment can run leadscore: Spark with Delta reads and writes the lakehouse
 * (this run's own record in ops/job_runs), and the MLflow server and Pushgateway answer.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Check Spark, Delta, the lakehouse, MLflow and the Pushgateway.")
public final class DoctorJob extends JobCommand {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Override
  protected String description() {
    return "check the lakehouse and the services";
  }

  @Override
  protected void run(JobContext ctx) {
    ctx.say("Spark %s, master %s, lakehouse %s", ctx.spark().version(),
        ctx.spark().sparkContext().master(), ctx.lakehouse().root());
    String jobRuns = ctx.lakehouse().path(Table.JOB_RUNS);
    ctx.step("read the job_runs table");
    long earlierRuns = DeltaTable.isDeltaTable(ctx.spark(), jobRuns)
        ? ctx.spark().read().format("delta").load(jobRuns).count() : 0;
    ctx.metrics().addRows("read", earlierRuns);
    ctx.say("lakehouse readable: %d earlier job runs recorded in %s", earlierRuns, jobRuns);

    List<String> problems = new ArrayList<>();
    String mlflow = ctx.config().mlflow().trackingUri();
    check(ctx, "MLflow", URI.create(mlflow.replaceAll("/+$", "") + "/health"), problems);
    check(ctx, "Pushgateway",
        URI.create("http://" + ctx.config().metrics().pushgateway() + "/-/ready"), problems);
    if (!problems.isEmpty()) {
      throw LeadscoreException.jobFailed("%s; for the local stack run: bin/stack up",
          String.join("; ", problems));
    }
  }

  private static void check(JobContext ctx, String service, URI uri, List<String> problems) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    try {
      HttpResponse<Void> response = client.send(
          HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() == 200) {
        ctx.say("%s answers at %s", service, uri);
      } else {
        problems.add(String.format("%s at %s answered HTTP %d", service, uri,
            response.statusCode()));
      }
    } catch (Exception e) {
      problems.add(String.format("%s does not answer at %s (%s)", service, uri,
          e.getClass().getSimpleName()));
    }
  }
}
