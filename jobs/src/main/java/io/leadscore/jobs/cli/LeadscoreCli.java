package io.leadscore.jobs.cli;

import io.leadscore.jobs.DoctorJob;
import io.leadscore.jobs.DriftJob;
import io.leadscore.jobs.FeaturesJob;
import io.leadscore.jobs.GenerateJob;
import io.leadscore.jobs.IngestJob;
import io.leadscore.jobs.ScoreJob;
import io.leadscore.jobs.TrainJob;
import io.leadscore.jobs.ValidateJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The spark-submit entry point: {@code leadscore <job> [options]}. */
@Command(name = "leadscore", mixinStandardHelpOptions = true, version = "leadscore 0.1.0",
    description = "Lead-scoring lakehouse jobs. Exit codes: 0 success, 1 job failure,"
        + " 2 usage or configuration error, 3 drift above the threshold (score, drift).",
    subcommands = {DoctorJob.class, GenerateJob.class, IngestJob.class, ValidateJob.class,
        FeaturesJob.class, TrainJob.class, ScoreJob.class, DriftJob.class,
        CommandLine.HelpCommand.class})
public final class LeadscoreCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a job to run");
  }

  public static CommandLine commandLine() {
    return new CommandLine(new LeadscoreCli())
        .setExitCodeExceptionMapper(e -> {
          if (e instanceof LeadscoreException le) {
            return le.exitCode();
          }
          return e instanceof CommandLine.ParameterException
              ? LeadscoreException.EXIT_USAGE : LeadscoreException.EXIT_JOB_FAILED;
        });
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
