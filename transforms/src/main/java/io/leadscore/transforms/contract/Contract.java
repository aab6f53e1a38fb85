package io.leadscore.transforms.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A source's data contract ({@code conf/contracts/<source>.yaml}, format in
 * docs/contracts.md): where its files land, how to read them, what each column means, how to
 * clean it, and which rows and datasets to reject. Load with {@link ContractLoader}.
 */
public record Contract(
    @JsonProperty(value = "contract", required = true) Integer version,
    @JsonProperty(value = "source", required = true) String source,
    @JsonProperty("description") String description,
    @JsonProperty(value = "datasets", required = true) Map<String, DatasetContract> datasets,
    @JsonIgnore String contentHash) {

  public static final int FORMAT_VERSION = 1;

  public Contract {
    Map<String, DatasetContract> named = new LinkedHashMap<>();
    if (datasets != null) {
      datasets.forEach((k, v) -> named.put(k, v == null ? null : v.withName(k)));
    }
    datasets = Collections.unmodifiableMap(named);
  }

  Contract withContentHash(String hash) {
    return new Contract(version, source, description, datasets, hash);
  }

  public DatasetContract leads() {
    return datasets.get(DatasetContract.LEADS);
  }

  public Optional<DatasetContract> events() {
    return Optional.ofNullable(datasets.get(DatasetContract.EVENTS));
  }

  public DatasetContract dataset(String name) {
    DatasetContract d = datasets.get(name);
    if (d == null) {
      throw new ContractException(String.format(
          "source %s has no dataset '%s' in its contract (it has: %s)", source, name,
          String.join(", ", datasets.keySet())));
    }
    return d;
  }
}
