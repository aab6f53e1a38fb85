package io.leadscore.jobs.generate;

/**
 * A small SplitMix64 generator, seeded from a hash of (seed, entity, purpose) so that every
 * random draw of the generator is a pure function of those three and of nothing else: no
 * shared state between leads, partitions or executors. Own implementation (not
 * {@link java.util.SplittableRandom}) and {@link StrictMath} everywhere, so that the bytes do
 * not depend on the JDK build or the CPU.
 */
public final class Rng {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final double DOUBLE_UNIT = 0x1.0p-53;

  private long state;

  private Rng(long state) {
    this.state = state;
  }

  /** The stream of one purpose of one entity (a lead index, a day, a company). */
  public static Rng of(long seed, long entity, Purpose purpose) {
    return new Rng(hash(seed, entity, purpose.code()));
  }

  /** Stafford's mix 13, the SplitMix64 finaliser: a bijection with good avalanche. */
  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public static long hash(long seed, long entity, long purpose) {
    long h = mix64(seed + GOLDEN_GAMMA);
    h = mix64(h ^ (entity * GOLDEN_GAMMA + 0x632BE59BD9B4E019L));
    return mix64(h ^ (purpose * 0xD1B54A32D192ED03L));
  }

  /** One uniform draw in [0, 1) for (seed, entity, purpose), without a stream. */
  public static double uniform(long seed, long entity, Purpose purpose) {
    return (hash(seed, entity, purpose.code()) >>> 11) * DOUBLE_UNIT;
  }

  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix64(state);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * DOUBLE_UNIT;
  }

  public boolean chance(double probability) {
    return nextDouble() < probability;
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be > 0, cannot be: " + bound);
    }
    return (int) (((nextLong() >>> 33) * bound) >>> 31);
  }

  /** Uniform in [lo, hi). */
  public double uniform(double lo, double hi) {
    return lo + (hi - lo) * nextDouble();
  }

  /** Exponential with the given mean. */
  public double exponential(double mean) {
    return -mean * StrictMath.log(1.0 - nextDouble());
  }

  /** Standard normal (Box-Muller, one value per call so no state is cached). */
  public double gaussian() {
    double u1 = 1.0 - nextDouble();
    double u2 = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
  }

  /** Gamma(shape, scale) by Marsaglia and Tsang; shape below 1 via the boost u^(1/shape). */
  public double gamma(double shape, double scale) {
    if (shape < 1.0) {
      double boost = StrictMath.pow(nextDouble(), 1.0 / shape);
      return gamma(shape + 1.0, scale) * boost;
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / StrictMath.sqrt(9.0 * d);
    while (true) {
      double x = gaussian();
      double v = 1.0 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = nextDouble();
      if (u < 1.0 - 0.0331 * x * x * x * x
          || StrictMath.log(u) < 0.5 * x * x + d * (1.0 - v + StrictMath.log(v))) {
        return d * v * scale;
      }
    }
  }

  /** Poisson by inversion of the CDF (means here are small; large means use a normal). */
  public int poisson(double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 60) {
      return (int) Math.max(0, Math.round(mean + StrictMath.sqrt(mean) * gaussian()));
    }
    double u = nextDouble();
    double p = StrictMath.exp(-mean);
    double cumulative = p;
    int k = 0;
    while (u > cumulative && k < 1000) {
      k++;
      p *= mean / k;
      cumulative += p;
    }
    return k;
  }

  /** Index drawn with the given (not necessarily normalised) non-negative weights. */
  public int weighted(double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double u = nextDouble() * total;
    double cumulative = 0;
    for (int i = 0; i < weights.length; i++) {
      cumulative += weights[i];
      if (u < cumulative) {
        return i;
      }
    }
    // Only reached through rounding at the very top: the last non-zero weight.
    for (int i = weights.length - 1; i >= 0; i--) {
      if (weights[i] > 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("weights must not all be zero");
  }

  public <T> T pick(T[] values) {
    return values[nextInt(values.length)];
  }

  /** What a stream is for; each purpose draws from its own stream so traps never move data. */
  public enum Purpose {
    COMPANY(1),
    PROFILE(2),
    CONTACT(3),
    CREATED(4),
    EVENTS(5),
    OUTCOME(6),
    STATUS(7),
    LEAK(8),
    LEAD_ROW_TRAP(9),
    EVENT_TRAP(10),
    DROP_SCHEMA(11),
    EVENT_ID(12),
    BUYING_EVENTS(13),
    DROP_ENCODING(14);

    private final long code;

    Purpose(long code) {
      this.code = code;
    }

    public long code() {
      return code;
    }
  }
}
