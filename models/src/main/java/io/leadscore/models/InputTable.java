package io.leadscore.models;

/**
 * A Delta table a model was trained from, pinned at the version read: recorded as a run tag and
 * in the model card so a run can be reproduced.
 *
 * @param name the table's logical name (e.g. {@code gold.features})
 * @param location its path or URI
 * @param version the Delta version read (≥ 0)
 */
public record InputTable(String name, String location, long version) {

  public InputTable {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("input table name must not be blank, cannot be: " + name);
    }
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException(
          "location of input table '" + name + "' must not be blank, cannot be: " + location);
    }
    if (version < 0) {
      throw new IllegalArgumentException(
          "Delta version of input table '" + name + "' must be ≥ 0, cannot be: " + version);
    }
  }

  /** {@code location@v<version>}. */
  public String pinned() {
    return location + "@v" + version;
  }
}
