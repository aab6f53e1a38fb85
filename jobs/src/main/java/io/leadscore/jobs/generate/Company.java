package io.leadscore.jobs.generate;

import io.leadscore.jobs.generate.Rng.Purpose;
import io.leadscore.jobs.generate.Vocabulary.Country;
import io.leadscore.jobs.generate.Vocabulary.Industry;
import java.util.Locale;

/**
 * A company leads work at: a pure function of (seed, company number), so that every lead of
 * the same company shows the same name, domain, industry, country and size.
 */
public record Company(long number, String name, String domain, Industry industry,
    Country country, int employees) {

  /** Companies leads are drawn from; the first ones are drawn far more often. */
  public static final long POOL = 1L << 20;
  static final int MAX_EMPLOYEES = 400_000;
  /** The most often drawn companies are larger. */
  static final long LARGE_HEAD = 2000;

  public static Company of(long seed, long number) {
    Rng rng = Rng.of(seed, number, Purpose.COMPANY);
    Industry industry = Industry.values()[rng.weighted(Industry.weights())];
    Country country = Country.values()[rng.weighted(Country.weights())];
    double logSize = StrictMath.log(120) + 1.8 * rng.gaussian() + (number < LARGE_HEAD ? 1.2 : 0);
    int employees = (int) Math.max(1, Math.min(MAX_EMPLOYEES, Math.round(StrictMath.exp(logSize))));

    String base = Vocabulary.COMPANY_PREFIXES[(int) (number % Vocabulary.COMPANY_PREFIXES.length)]
        + Vocabulary.COMPANY_CORES[(int) ((number / Vocabulary.COMPANY_PREFIXES.length)
            % Vocabulary.COMPANY_CORES.length)];
    String word = industry.nameWords[rng.nextInt(industry.nameWords.length)];
    double style = rng.nextDouble();
    String name;
    if (style < 0.005) {
      // A name with quotes: RFC 4180 doubles them inside a quoted field.
      name = base + " \"" + word + "\" Group";
    } else if (style < 0.35) {
      name = base + " " + word;
    } else {
      String legal = rng.pick(country.legalSuffixes);
      // "Northwind Labs, Inc.": a comma inside a value, so the field is quoted.
      name = base + " " + word + (rng.chance(0.4) ? ", " : " ") + legal;
    }
    String host = base.toLowerCase(Locale.ROOT)
        + (rng.chance(0.5) ? "" : "-" + word.toLowerCase(Locale.ROOT));
    String tld = industry == Industry.SOFTWARE && rng.chance(0.3) ? ".io" : country.tld;
    return new Company(number, name, host + tld, industry, country, employees);
  }
}
