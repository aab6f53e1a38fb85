package io.leadscore.models.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A registered model version as the registry reports it.
 *
 * @param status {@code READY}, {@code PENDING_REGISTRATION} or {@code FAILED_REGISTRATION}
 * @param source where its files are, e.g. {@code mlflow-artifacts:/1/<run>/artifacts/model}
 * @param runId the run that logged it (may be empty)
 * @param aliases aliases pointing at it, e.g. {@code [champion]}
 */
public record ModelVersion(
    String name,
    String version,
    String status,
    String source,
    String runId,
    List<String> aliases,
    Map<String, String> tags) {

  public static final String READY = "READY";
  public static final String FAILED = "FAILED_REGISTRATION";

  public ModelVersion {
    aliases = List.copyOf(aliases);
    tags = Map.copyOf(tags);
  }

  static ModelVersion fromJson(JsonNode mv) {
    List<String> aliases = new ArrayList<>();
    mv.path("aliases").forEach(a -> aliases.add(a.asText()));
    Map<String, String> tags = new LinkedHashMap<>();
    mv.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
    return new ModelVersion(mv.path("name").asText(), mv.path("version").asText(),
        mv.path("status").asText(""), mv.path("source").asText(""),
        mv.path("run_id").asText(""), aliases, tags);
  }

  /** {@code models:/<name>/<version>}. */
  public String uri() {
    return "models:/" + name + "/" + version;
  }
}
