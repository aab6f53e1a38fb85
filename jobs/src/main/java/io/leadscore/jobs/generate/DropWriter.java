package io.leadscore.jobs.generate;

import io.leadscore.jobs.generate.DropFiles.Kind;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Generates the drops in parallel and writes each file from one task: leads are simulated per
 * partition of lead numbers, their lines shuffled by file number, sorted by (file, key) and
 * streamed to one file each. A file is written under a hidden temporary name and renamed when
 * complete, so a reader never sees half a drop.
 */
public final class DropWriter {
  /** One line of one file. */
  public static final StructType LINE_SCHEMA = new StructType()
      .add("file", DataTypes.IntegerType, false)
      .add("key", DataTypes.LongType, false)
      .add("line", DataTypes.BinaryType, false)
      .add("trap", DataTypes.ByteType, false);

  private DropWriter() {}

  /** What the writing tasks counted (exactly once per successful task: an action). */
  public record Counts(long[] lines, long[] bytes, long[] traps) implements Serializable {
    public long lines(Kind kind) {
      return lines[kind.ordinal()];
    }

    public long bytes(Kind kind) {
      return bytes[kind.ordinal()];
    }

    public long traps(Trap trap) {
      return traps[trap.code()];
    }
  }

  /**
   * Every line of every file: the lines of the leads created in the written drops, simulated
   * in {@code partitions} tasks, plus one header per file.
   */
  public static Dataset<Row> lines(SparkSession spark, DropLines dropLines, DropFiles files,
      int partitions) {
    long leads = dropLines.simulator().schedule().first(files.days());
    Dataset<Row> leadLines = spark.range(0, leads, 1, partitions)
        .mapPartitions((MapPartitionsFunction<Long, Row>) ids -> new LeadLines(dropLines, ids),
            Encoders.row(LINE_SCHEMA));
    int fileCount = files.fileCount();
    Dataset<Row> headers = spark.range(0, fileCount, 1, Math.min(fileCount, partitions))
        .map((org.apache.spark.api.java.function.MapFunction<Long, Row>) f -> RowFactory.create(
            f.intValue(), Long.MIN_VALUE, dropLines.header(f.intValue()), Trap.HEADER),
            Encoders.row(LINE_SCHEMA));
    return leadLines.union(headers);
  }

  /** Shuffles lines to one task per file, sorts them and writes the files. */
  public static Counts write(SparkSession spark, Dataset<Row> lines, DropFiles files) {
    Map<String, String> hadoop = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> hadoop.put(e.getKey(), e.getValue()));
    int kinds = Kind.values().length;
    LongAccumulator[] lineCounts = accumulators(spark, "lines", kinds);
    LongAccumulator[] byteCounts = accumulators(spark, "bytes", kinds);
    LongAccumulator[] trapCounts = accumulators(spark, "traps", Trap.CODES);
    lines.repartition(files.fileCount(), functions.col("file"))
        .sortWithinPartitions("file", "key")
        .foreachPartition(new FileTask(files, hadoop, lineCounts, byteCounts, trapCounts));
    return new Counts(values(lineCounts), values(byteCounts), values(trapCounts));
  }

  private static LongAccumulator[] accumulators(SparkSession spark, String name, int n) {
    LongAccumulator[] out = new LongAccumulator[n];
    for (int i = 0; i < n; i++) {
      out[i] = spark.sparkContext().longAccumulator("generate " + name + " " + i);
    }
    return out;
  }

  private static long[] values(LongAccumulator[] accumulators) {
    long[] out = new long[accumulators.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = accumulators[i].value();
    }
    return out;
  }

  /** Simulates the leads of one partition lazily, a lead's lines at a time. */
  private static final class LeadLines implements Iterator<Row> {
    private final DropLines dropLines;
    private final Iterator<Long> ids;
    private final Deque<Row> buffer = new ArrayDeque<>();
    private final DropLines.Sink sink;

    LeadLines(DropLines dropLines, Iterator<Long> ids) {
      this.dropLines = dropLines;
      this.ids = ids;
      this.sink = (file, key, line, trap) -> buffer.add(RowFactory.create(file, key, line, trap));
    }

    @Override
    public boolean hasNext() {
      while (buffer.isEmpty() && ids.hasNext()) {
        dropLines.emit(ids.next(), sink);
      }
      return !buffer.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return buffer.poll();
    }
  }

  /** Writes the files of one partition; the rows arrive sorted by (file, key). */
  private static final class FileTask implements ForeachPartitionFunction<Row> {
    private final DropFiles files;
    private final Map<String, String> hadoop;
    private final LongAccumulator[] lineCounts;
    private final LongAccumulator[] byteCounts;
    private final LongAccumulator[] trapCounts;

    FileTask(DropFiles files, Map<String, String> hadoop, LongAccumulator[] lineCounts,
        LongAccumulator[] byteCounts, LongAccumulator[] trapCounts) {
      this.files = files;
      this.hadoop = hadoop;
      this.lineCounts = lineCounts;
      this.byteCounts = byteCounts;
      this.trapCounts = trapCounts;
    }

    @Override
    public void call(Iterator<Row> rows) throws IOException {
      Configuration conf = new Configuration(false);
      hadoop.forEach(conf::set);
      long[] lines = new long[lineCounts.length];
      long[] bytes = new long[byteCounts.length];
      long[] traps = new long[trapCounts.length];
      long attempt = TaskContext.get() == null ? 0 : TaskContext.get().taskAttemptId();
      OpenFile open = null;
      while (rows.hasNext()) {
        Row row = rows.next();
        int file = row.getInt(0);
        if (open == null || open.number != file) {
          if (open != null) {
            open.commit();
          }
          open = new OpenFile(file, files.path(file), attempt, conf);
        }
        byte[] line = (byte[]) row.get(2);
        open.out.write(line);
        int kind = files.kindOf(file).ordinal();
        bytes[kind] += line.length;
        byte trap = row.getByte(3);
        if (trap != Trap.HEADER) {
          lines[kind]++;
          if (trap > 0) {
            traps[trap]++;
          }
        }
      }
      if (open != null) {
        open.commit();
      }
      for (int i = 0; i < lines.length; i++) {
        lineCounts[i].add(lines[i]);
        byteCounts[i].add(bytes[i]);
      }
      for (int i = 0; i < traps.length; i++) {
        trapCounts[i].add(traps[i]);
      }
    }
  }

  /** A file being written under a hidden name, renamed on commit. */
  private static final class OpenFile {
    final int number;
    final Path target;
    final Path temporary;
    final FileSystem fs;
    final OutputStream out;

    OpenFile(int number, String path, long attempt, Configuration conf) throws IOException {
      this.number = number;
      this.target = new Path(path);
      this.temporary = new Path(target.getParent(),
          "." + target.getName() + "." + attempt + ".inprogress");
      // A private instance: no .crc side files, and the shared cached one stays untouched.
      this.fs = FileSystem.newInstance(target.toUri(), conf);
      fs.setWriteChecksum(false);
      this.out = new BufferedOutputStream(fs.create(temporary, true), 1 << 20);
    }

    void commit() throws IOException {
      try {
        out.close();
        if (fs.exists(target)) {
          fs.delete(target, false);
        }
        if (!fs.rename(temporary, target)) {
          throw new IOException("could not rename " + temporary + " to " + target);
        }
      } finally {
        fs.close();
      }
    }
  }
}
