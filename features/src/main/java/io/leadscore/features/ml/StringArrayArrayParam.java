package io.leadscore.features.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;

/**
 * A {@code String[][]} param with a JSON form, so that fitted per-column level lists persist
 * with {@code DefaultParamsWritable} (Spark's base {@code Param} cannot encode arrays).
 */
public final class StringArrayArrayParam extends Param<String[][]> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  public StringArrayArrayParam(Identifiable parent, String name, String doc) {
    super(parent, name, doc);
  }

  @Override
  public String jsonEncode(String[][] value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode param " + name(), e);
    }
  }

  @Override
  public String[][] jsonDecode(String json) {
    try {
      return JSON.readValue(json, String[][].class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("param " + name() + " is not a JSON array of string"
          + " arrays: " + json, e);
    }
  }
}
