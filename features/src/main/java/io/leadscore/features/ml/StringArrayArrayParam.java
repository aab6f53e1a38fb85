package io.leadscore.features.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamPair;
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

  /**
   * For Python: PySpark hands list values over as {@code java.util.List}, so a Python wrapper
   * that sends the param back to the JVM (before every transform) lands here, like Spark's own
   * {@code StringArrayParam.w(java.util.List)}.
   */
  public ParamPair<String[][]> w(List<?> value) {
    String[][] out = new String[value.size()][];
    for (int i = 0; i < out.length; i++) {
      Object inner = value.get(i);
      Object[] items = inner instanceof List<?> list ? list.toArray()
          : inner instanceof Object[] array ? array
          : null;
      if (items == null) {
        throw new IllegalArgumentException("param " + name()
            + " needs a list of string lists, cannot be: " + inner);
      }
      out[i] = new String[items.length];
      for (int j = 0; j < items.length; j++) {
        out[i][j] = items[j] == null ? null : items[j].toString();
      }
    }
    return w(out);
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
