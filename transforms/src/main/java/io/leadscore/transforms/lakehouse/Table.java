package io.leadscore.transforms.lakehouse;

/**
 * Every table of the lakehouse. Data tables live per source
 * ({@code <root>/<layer>/<source>/<name>}); ops tables are shared by all sources and carry a
 * {@code source} column ({@code <root>/ops/<name>}). Paths are built only by {@link Lakehouse}.
 */
public enum Table {
  BRONZE_LEADS(Layer.BRONZE, "leads"),
  BRONZE_EVENTS(Layer.BRONZE, "events"),
  SILVER_LEADS(Layer.SILVER, "leads"),
  SILVER_EVENTS(Layer.SILVER, "events"),
  QUARANTINE(Layer.SILVER, "quarantine"),
  GOLD_FEATURES(Layer.GOLD, "features"),
  GOLD_LABELS(Layer.GOLD, "labels"),
  GOLD_SCORING_FEATURES(Layer.GOLD, "scoring_features"),
  SCORES(Layer.SERVING, "scores"),
  SCORE_RANKING(Layer.SERVING, "score_ranking"),
  INGEST_LOG(Layer.OPS, "ingest_log"),
  QUALITY_RUNS(Layer.OPS, "quality_runs"),
  LEAKAGE_REPORT(Layer.OPS, "leakage_report"),
  DRIFT(Layer.OPS, "drift"),
  JOB_RUNS(Layer.OPS, "job_runs");

  /** Folder of each layer under the lakehouse root. */
  public enum Layer {
    BRONZE("bronze"), SILVER("silver"), GOLD("gold"), SERVING("serving"), OPS("ops");

    private final String folder;

    Layer(String folder) {
      this.folder = folder;
    }

    public String folder() {
      return folder;
    }
  }

  private final Layer layer;
  private final String tableName;

  Table(Layer layer, String tableName) {
    this.layer = layer;
    this.tableName = tableName;
  }

  public Layer layer() {
    return layer;
  }

  public String tableName() {
    return tableName;
  }

  public boolean isPerSource() {
    return layer != Layer.OPS;
  }
}
