package io.leadscore.jobs;

import io.leadscore.jobs.cli.JobCommand;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.jobs.cli.LeadscoreException;
import io.leadscore.jobs.config.LeadscoreConfig;
import io.leadscore.transforms.bronze.IngestLog;
import io.leadscore.transforms.contract.DatasetContract;
import io.leadscore.transforms.quality.CheckResult;
import io.leadscore.transforms.quality.QualityRun;
import io.leadscore.transforms.silver.Validator;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Bronze → silver + quarantine for the batches no earlier run validated: typed, normalised,
 * PII hashed, deduplicated by id (MERGE), rejects quarantined with every broken rule; a
 * quality run and report per dataset; counts reconciled.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Validate new bronze batches of a source into silver and quarantine.")
public final class ValidateJob extends JobCommand {
  public static final String QUARANTINE_RATE_GAUGE = "quarantine_rate";

  @Mixin
  ContractOptions contract;

  @Override
  protected String description() {
    return "validate bronze of " + contract.source() + " into silver";
  }

  @Override
  protected void checkOptions() {
    contract.load(configFile);
  }

  @Override
  protected LeadscoreConfig loadConfig() {
    LeadscoreConfig config = super.loadConfig();
    if (contract.datasets().stream().anyMatch(DatasetContract::hasPii)) {
      config.requirePiiHashKey(); // before Spark starts: exit 2 naming what to set
    }
    return config;
  }

  @Override
  protected void run(JobContext ctx) {
    String key = contract.datasets().stream().anyMatch(DatasetContract::hasPii)
        ? ctx.config().requirePiiHashKey() : null;
    List<String> problems = new ArrayList<>();
    long read = 0;
    long quarantined = 0;
    StepClock clock = new StepClock(ctx);
    for (DatasetContract d : contract.datasets()) {
      clock.step("find bronze batches of " + contract.source() + "/" + d.name() + " to validate");
      List<IngestLog.Entry> pending = Validator.pendingBatches(ctx.spark(), ctx.lakehouse(),
          contract.source(), d.name());
      if (pending.isEmpty()) {
        ctx.say("%s/%s: nothing to validate (every ingested batch is validated)",
            contract.source(), d.name());
        continue;
      }
      String prefix = contract.source() + "/" + d.name() + ": ";
      QualityRun run = Validator.validate(new Validator.Request(ctx.spark(), ctx.lakehouse(),
          contract.source(), d, contract.contract().contentHash(), key, ctx.runId(),
          ctx.startedAt(), what -> clock.step(prefix + what)), pending);
      report(ctx, run);
      read += run.rowsRead();
      quarantined += run.quarantined();
      if (QualityRun.BLOCKED.equals(run.status())) {
        problems.add(String.format("%s/%s: %s (report: %s)", run.source(), run.dataset(),
            run.message(), run.reportHtml()));
      } else if (!run.reconciled()) {
        problems.add(String.format("%s/%s: counts do not reconcile: %s", run.source(),
            run.dataset(), run.reconciliation()));
      }
    }
    ctx.say("%s", clock.summary());
    ctx.metrics().gauge(QUARANTINE_RATE_GAUGE, "Share of the rows read that the last validate"
        + " run quarantined", read == 0 ? 0 : (double) quarantined / read);
    if (!problems.isEmpty()) {
      throw LeadscoreException.jobFailed("%s; fix the data or the contract and run validate"
          + " again", String.join("; ", problems));
    }
  }

  private static void report(JobContext ctx, QualityRun run) {
    ctx.say("%s/%s %s: %s", run.source(), run.dataset(), run.status(), run.reconciliation());
    for (CheckResult c : run.checks()) {
      if (!c.passed()) {
        ctx.say("  check %s (%s) failed: %s", c.name(), c.level(), c.message());
      }
    }
    run.rules().stream().filter(r -> r.failed() > 0).forEach(r -> ctx.say(
        "  rule %s%s (%s): %d of %d rows", r.rule(), r.column() == null ? "" : " on "
            + r.column(), r.severity(), r.failed(), r.evaluated()));
    ctx.say("  report: %s", run.reportHtml());
    if (run.validated()) {
      ctx.metrics().addRows("read", run.rowsRead()).addRows("inserted", run.inserted())
          .addRows("updated", run.updated()).addRows("quarantined", run.quarantined())
          .addRows("superseded", run.superseded())
          .addRows("written", run.inserted() + run.updated());
    } else {
      ctx.metrics().addRows("read", run.rowsRead());
    }
  }
}
