package io.leadscore.jobs.config;

import io.leadscore.jobs.cli.LeadscoreException;

/** A configuration error: the run stops before Spark starts, with exit code 2. */
public class ConfigException extends LeadscoreException {
  public ConfigException(String message) {
    super(EXIT_USAGE, message);
  }

  public ConfigException(String message, Throwable cause) {
    super(EXIT_USAGE, message, cause);
  }
}
