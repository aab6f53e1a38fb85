package io.leadscore.jobs;

import io.leadscore.jobs.config.ConfigException;
import io.leadscore.transforms.contract.Contract;
import io.leadscore.transforms.contract.ContractException;
import io.leadscore.transforms.contract.ContractLoader;
import io.leadscore.transforms.contract.DatasetContract;
import io.leadscore.transforms.lakehouse.Lakehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that pick a source and its contract (ingest, validate). */
public final class ContractOptions {
  @Option(names = "--source", required = true, paramLabel = "NAME",
      description = "Source to process, e.g. xeducation or synthetic.")
  String source;

  @Option(names = "--contract", paramLabel = "FILE",
      description = "The source's data contract (default: contracts/<source>.yaml beside the"
          + " config file, else conf/contracts/<source>.yaml).")
  Path contractFile;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "Only this dataset of the contract (leads or events); default: all.")
  String dataset;

  private Contract contract;

  public String source() {
    return source;
  }

  /** Loads and checks the contract; every problem is a configuration error (exit 2). */
  public Contract load(Path configFile) {
    try {
      Lakehouse.checkSource(source);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--source: " + e.getMessage());
    }
    Path file = contractFile != null ? contractFile : defaultContract(configFile);
    try {
      contract = ContractLoader.loadFor(file, source);
      if (dataset != null) {
        contract.dataset(dataset);
      }
    } catch (ContractException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    return contract;
  }

  public Contract contract() {
    return contract;
  }

  /** The datasets this run processes, leads first. */
  public List<DatasetContract> datasets() {
    return dataset != null ? List.of(contract.dataset(dataset))
        : List.copyOf(contract.datasets().values());
  }

  private Path defaultContract(Path configFile) {
    String name = source + ".yaml";
    if (configFile != null && configFile.toAbsolutePath().getParent() != null) {
      Path beside = configFile.toAbsolutePath().getParent().resolve("contracts").resolve(name);
      if (Files.isRegularFile(beside)) {
        return beside;
      }
    }
    return Path.of("conf", "contracts", name);
  }
}
