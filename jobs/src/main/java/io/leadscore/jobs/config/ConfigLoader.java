package io.leadscore.jobs.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code conf/<env>.yaml}: substitutes {@code ${ENV_VAR}}, rejects unknown keys, missing
 * values and malformed URIs, each with the key named. Relative local paths are made absolute
 * against the working directory, so the driver and the executors agree on them.
 */
public final class ConfigLoader {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.\\-]+:[0-9]{1,5}");
  private static final Set<String> LAKEHOUSE_SCHEMES =
      Set.of("file", "s3a", "hdfs", "abfs", "abfss", "gs", "wasbs");

  private final Function<String, String> environment;

  public ConfigLoader(Function<String, String> environment) {
    this.environment = environment;
  }

  public static ConfigLoader fromSystemEnvironment() {
    return new ConfigLoader(System::getenv);
  }

  public LeadscoreConfig load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(String.format(
          "config file %s does not exist: pass --config conf/local.yaml or another file of conf/",
          file));
    }
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    JsonNode tree;
    try {
      tree = mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException(String.format("%s is not valid YAML: %s", file,
          firstLine(e.getMessage())), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new ConfigException(String.format("%s is empty or not a YAML mapping", file));
    }
    rejectUnknownKeys(file, tree, LeadscoreConfig.class, "");
    substituteEnvironment(file, tree, "");
    LeadscoreConfig config;
    try {
      config = mapper.treeToValue(tree, LeadscoreConfig.class);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw new ConfigException(String.format("%s: unknown key '%s' (known keys here: %s)", file,
          keyPath(e), known), e);
    } catch (MismatchedInputException e) {
      throw new ConfigException(String.format("%s: key '%s' is missing or has the wrong type: %s",
          file, keyPath(e), firstLine(e.getOriginalMessage())), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(String.format("%s: %s", file, firstLine(e.getOriginalMessage())),
          e);
    }
    return validated(file, config);
  }

  private LeadscoreConfig validated(Path file, LeadscoreConfig config) {
    String root = lakehouseLocation(file, "lakehouse.root", config.lakehouse().root());
    String landing = lakehouseLocation(file, "lakehouse.landing", config.lakehouse().landing());
    String tracking = config.mlflow().trackingUri();
    URI trackingUri = parseUri(file, "mlflow.trackingUri", tracking);
    if (!("http".equals(trackingUri.getScheme()) || "https".equals(trackingUri.getScheme()))
        || trackingUri.getHost() == null) {
      throw new ConfigException(String.format(
          "%s: mlflow.trackingUri must be an http(s) URL with a host, cannot be: %s", file,
          tracking));
    }
    String pushgateway = config.metrics().pushgateway();
    if (pushgateway == null || !HOST_PORT.matcher(pushgateway).matches()) {
      throw new ConfigException(String.format(
          "%s: metrics.pushgateway must be host:port (e.g. 127.0.0.1:9091), cannot be: %s", file,
          pushgateway));
    }
    for (Map.Entry<String, String> e : config.spark().entrySet()) {
      if (!(e.getKey().startsWith("spark.") || e.getKey().startsWith("fs."))) {
        throw new ConfigException(String.format(
            "%s: spark.%s is not a Spark or Hadoop setting (keys start with 'spark.' or 'fs.')",
            file, e.getKey()));
      }
      if (e.getValue() == null) {
        throw new ConfigException(String.format("%s: spark setting '%s' has no value", file,
            e.getKey()));
      }
    }
    LeadscoreConfig.ScoringSettings scoring = config.scoring();
    java.util.List<Double> cuts = scoring.tierCuts();
    boolean cutsOk = cuts.size() == 3 && cuts.stream().allMatch(c -> c != null && c > 0 && c < 1)
        && cuts.get(0) > cuts.get(1) && cuts.get(1) > cuts.get(2);
    if (!cutsOk) {
      throw new ConfigException(String.format("%s: scoring.tierCuts must be three percentiles"
          + " strictly between 0 and 1, descending (A, B, C cut points), cannot be: %s", file,
          cuts));
    }
    double drift = scoring.driftThreshold();
    if (!(drift > 0) || Double.isInfinite(drift)) {
      throw new ConfigException(String.format(
          "%s: scoring.driftThreshold must be a PSI > 0, cannot be: %s", file, drift));
    }
    return new LeadscoreConfig(
        new LeadscoreConfig.LakehouseSettings(root, landing),
        config.mlflow(), config.metrics(), config.pii(), config.spark(), config.training(),
        scoring);
  }

  private static String lakehouseLocation(Path file, String key, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(String.format("%s: %s must not be empty", file, key));
    }
    if (!value.contains(":")) {
      return Paths.get(value).toAbsolutePath().normalize().toString();
    }
    URI uri = parseUri(file, key, value);
    if (uri.getScheme() == null || !LAKEHOUSE_SCHEMES.contains(uri.getScheme())) {
      throw new ConfigException(String.format(
          "%s: %s must be a local path or a URI with one of the schemes %s, cannot be: %s", file,
          key, LAKEHOUSE_SCHEMES.stream().sorted().toList(), value));
    }
    if (!"file".equals(uri.getScheme()) && (uri.getAuthority() == null
        || uri.getAuthority().isBlank())) {
      throw new ConfigException(String.format(
          "%s: %s needs a bucket or host after %s://, cannot be: %s", file, key, uri.getScheme(),
          value));
    }
    return value;
  }

  private static URI parseUri(Path file, String key, String value) {
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      throw new ConfigException(String.format("%s: %s is not a valid URI (%s), cannot be: %s",
          file, key, e.getReason(), value), e);
    }
  }

  private void substituteEnvironment(Path file, JsonNode node, String path) {
    if (!node.isObject()) {
      return;
    }
    ObjectNode object = (ObjectNode) node;
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
    fields.forEachRemaining(entries::add);
    for (Map.Entry<String, JsonNode> entry : entries) {
      String key = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
      JsonNode value = entry.getValue();
      if (value.isTextual()) {
        object.set(entry.getKey(), new TextNode(substitute(file, key, value.textValue())));
      } else {
        substituteEnvironment(file, value, key);
      }
    }
  }

  private String substitute(Path file, String key, String value) {
    Matcher m = ENV_REF.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String resolved = environment.apply(name);
      if (resolved == null || resolved.isEmpty()) {
        throw new ConfigException(String.format(
            "%s: %s needs the environment variable %s, which is not set: export %s=... and run"
                + " again", file, key, name, name));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(resolved));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Unknown keys first, all of them named with their path, before Jackson reports the first
   * missing value (a misspelt key would otherwise read as "missing").
   */
  private static void rejectUnknownKeys(Path file, JsonNode node, Class<?> type, String path) {
    if (!type.isRecord() || !node.isObject()) {
      return;
    }
    Map<String, RecordComponent> known = new TreeMap<>();
    for (RecordComponent c : type.getRecordComponents()) {
      JsonProperty p = c.getAnnotation(JsonProperty.class);
      known.put(p != null && !p.value().isEmpty() ? p.value() : c.getName(), c);
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      String key = path.isEmpty() ? name : path + "." + name;
      RecordComponent component = known.get(name);
      if (component == null) {
        throw new ConfigException(String.format("%s: unknown key '%s' (known keys here: %s)",
            file, key, String.join(", ", known.keySet())));
      }
      rejectUnknownKeys(file, node.get(name), component.getType(), key);
    }
  }

  private static String keyPath(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
