package io.leadscore.jobs;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.leadscore.jobs.cli.JobCommand;
import io.leadscore.jobs.cli.JobContext;
import io.leadscore.jobs.cli.LeadscoreException;
import io.leadscore.transforms.bronze.BronzeColumns;
import io.leadscore.transforms.bronze.BronzeIngest;
import io.leadscore.transforms.bronze.BronzeIngest.FilePlan;
import io.leadscore.transforms.bronze.BronzeIngest.Outcome;
import io.leadscore.transforms.bronze.IngestLog;
import io.leadscore.transforms.bronze.LandingFile;
import io.leadscore.transforms.bronze.LandingFiles;
import io.leadscore.transforms.contract.DatasetContract;
import io.leadscore.transforms.lakehouse.Table;
import io.leadscore.transforms.silver.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Landing files → bronze. Each file version is ingested once (ingest log: path, size,
 * modification time, content hash); a changed file comes in again as a new version; a file
 * that cannot be read is logged with the reason while the others go in.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Read new landing files of a source into bronze Delta tables.")
public final class IngestJob extends JobCommand {
  public static final String FILES_FAILED_GAUGE = "ingest_files_failed";

  @Mixin
  ContractOptions contract;

  @Option(names = "--strict", description = "Exit 1 when any file was refused (the readable"
      + " ones still go in).")
  boolean strict;

  @Override
  protected String description() {
    return "ingest landing files of " + contract.source() + " into bronze";
  }

  @Override
  protected void checkOptions() {
    contract.load(configFile);
  }

  @Override
  protected void run(JobContext ctx) {
    int refused = 0;
    StepClock clock = new StepClock(ctx);
    for (DatasetContract d : contract.datasets()) {
      refused += ingest(ctx, clock, d);
    }
    ctx.say("%s", clock.summary());
    ctx.metrics().gauge(FILES_FAILED_GAUGE, "Landing files the last ingest run refused", refused);
    if (strict && refused > 0) {
      throw LeadscoreException.jobFailed("%d file(s) refused (see above and the ingest log);"
          + " the readable files were ingested", refused);
    }
  }

  private int ingest(JobContext ctx, StepClock clock, DatasetContract d) {
    String source = contract.source();
    String landing = ctx.config().lakehouse().landing();
    clock.step("list landing files of " + source + "/" + d.name());
    List<LandingFile> files = LandingFiles.list(ctx.spark().sparkContext().hadoopConfiguration(),
        landing, d.landing());
    if (files.isEmpty()) {
      ctx.say("%s/%s: no files match %s/%s", source, d.name(), landing, d.landing());
      return 0;
    }
    String logPath = ctx.lakehouse().path(Table.INGEST_LOG);
    String bronzePath = ctx.lakehouse().path(Validator.bronzeTable(d), source);
    clock.step("read the ingest log and bronze batches of " + source + "/" + d.name());
    List<IngestLog.Entry> log = DeltaTable.isDeltaTable(ctx.spark(), logPath)
        ? IngestLog.entries(ctx.spark().read().format("delta").load(logPath), source, d.name())
        : List.of();
    removeUnloggedBatches(ctx, clock, bronzePath, log);

    clock.step("inspect new files of " + source + "/" + d.name());
    List<FilePlan> plans = BronzeIngest.plan(ctx.spark(), source, d, files, log, ctx.runId(),
        ctx.startedAt());
    List<FilePlan> toIngest = plans.stream().filter(p -> p.outcome() == Outcome.INGEST).toList();
    Map<String, long[]> counts = Map.of();
    if (!toIngest.isEmpty()) {
      clock.step("append " + toIngest.size() + " file(s) to bronze " + source + "/" + d.name());
      int tasks = BronzeIngest.writeTasks(toIngest.stream().mapToLong(p -> p.file().size()).sum(),
          toIngest.size(), ctx.spark().sparkContext().defaultParallelism(),
          ctx.spark().sessionState().conf().filesMaxPartitionBytes());
      BronzeIngest.appendBatch(toIngest, tasks)
          .write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true")
          .save(bronzePath);
      counts = BronzeIngest.countsByBatch(ctx.spark().read().format("delta").load(bronzePath),
          ctx.runId());
    }
    List<Row> logRows = new ArrayList<>();
    long rows = 0;
    int refused = 0;
    for (FilePlan p : plans) {
      switch (p.outcome()) {
        case INGEST -> {
          long[] c = counts.getOrDefault(p.entry().batchId(), new long[] {0, 0});
          rows += c[0];
          logRows.add(p.entry().withCounts(c[0], c[1]).toRow());
          ctx.say("ingested %s as version %d: %d rows, %d malformed%s%s%s", p.file().path(),
              p.entry().version(), c[0], c[1], list(" extra columns kept", p.entry()
                  .rescuedColumns()), list(" optional columns absent",
                  p.entry().missingOptionalColumns()), p.note() == null ? "" : "; " + p.note());
        }
        case FAILED -> {
          refused++;
          logRows.add(p.entry().toRow());
          ctx.say("REFUSED %s: %s", p.file().path(), p.note());
        }
        case UNCHANGED -> {
          if (!p.entry().ingested()) {
            ctx.say("still refused (unchanged since %s) %s: %s", p.entry().loggedAt(),
                p.file().path(), p.entry().reason());
          }
        }
        case SAME_CONTENT -> ctx.say("skipped %s: %s", p.file().path(), p.note());
      }
    }
    if (!logRows.isEmpty()) {
      clock.step("record " + logRows.size() + " file(s) in the ingest log");
      ctx.spark().createDataFrame(logRows, IngestLog.SCHEMA).write().format("delta")
          .mode(SaveMode.Append).save(logPath);
    }
    long newFiles = plans.stream().filter(p -> p.outcome() == Outcome.INGEST).count();
    ctx.say("%s/%s: %d file(s) found, %d ingested (%d rows), %d refused, %d already ingested",
        source, d.name(), files.size(), newFiles, rows, refused,
        files.size() - newFiles - refused);
    ctx.metrics().addRows("read", rows).addRows("written", rows);
    return refused;
  }

  /**
   * A run that died between writing bronze and the ingest log left rows no log entry
   * explains; they are removed so the files come in again, once.
   */
  private static void removeUnloggedBatches(JobContext ctx, StepClock clock, String bronzePath,
      List<IngestLog.Entry> log) {
    if (!DeltaTable.isDeltaTable(ctx.spark(), bronzePath)) {
      return;
    }
    Set<String> logged = log.stream().map(IngestLog.Entry::batchId)
        .filter(java.util.Objects::nonNull).collect(Collectors.toSet());
    List<String> orphans = ctx.spark().read().format("delta").load(bronzePath)
        .select(BronzeColumns.BATCH_ID).distinct()
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList().stream()
        .filter(b -> !logged.contains(b)).toList();
    if (!orphans.isEmpty()) {
      clock.step("remove bronze rows of unfinished ingest runs");
      DeltaTable.forPath(ctx.spark(), bronzePath)
          .delete(col(BronzeColumns.BATCH_ID).isin(orphans.toArray()));
      ctx.say("removed bronze rows of %d batch(es) an interrupted run left unlogged",
          orphans.size());
    }
  }

  private static String list(String what, List<String> names) {
    return names == null || names.isEmpty() ? "" : ";" + what + ": " + names;
  }
}
