package io.leadscore.transforms.silver;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.leadscore.transforms.contract.ColumnSpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Keyed hashing of personal data (HMAC-SHA256, hex) and the non-personal features derived
 * from it. The key comes from the config (an environment variable) and is never printed.
 */
public final class PiiHashing {
  /** Free-mail providers: an address there says "private person", elsewhere "company". */
  public static final Set<String> FREE_MAIL_DOMAINS = Set.of(
      "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.co.in", "yahoo.fr",
      "yahoo.de", "ymail.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "outlook.com",
      "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "gmx.com", "gmx.de",
      "gmx.net", "web.de", "mail.com", "mail.ru", "yandex.ru", "yandex.com", "protonmail.com",
      "proton.me", "zoho.com", "qq.com", "163.com", "126.com", "rediffmail.com", "free.fr",
      "orange.fr", "t-online.de", "libero.it", "fastmail.com", "tutanota.com", "hey.com");
  public static final String EMAIL_PATTERN =
      "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
          + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.[A-Za-z]{2,})$";
  private static final String PHONE_CHARS = "^\\+?[0-9 ()./-]+$";

  private PiiHashing() {}

  /** HMAC-SHA256 of a string column under {@code key}, hex; null stays null. */
  public static Column hmac(Column value, String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("the PII hash key must not be empty");
    }
    UserDefinedFunction f = udf(new Hmac(key), DataTypes.StringType);
    return f.apply(value);
  }

  /** The value a hash is computed from, so the same person hashes alike across exports. */
  public static Column canonical(Column value, ColumnSpec.Pii kind) {
    Column t = trim(value);
    return switch (kind) {
      case PHONE -> regexp_replace(regexp_replace(t, "[^0-9+]", ""), "(?<!^)\\+", "");
      default -> lower(t);
    };
  }

  /** free, corporate or invalid; null when there is no address. */
  public static Column emailDomainType(Column email) {
    Column t = trim(email);
    Column domain = lower(regexp_extract(t, EMAIL_PATTERN, 1));
    return when(email.isNull(), lit(null).cast(DataTypes.StringType))
        .when(t.rlike(EMAIL_PATTERN).equalTo(false), lit(SilverColumns.DOMAIN_INVALID))
        .when(domain.isin(FREE_MAIL_DOMAINS.toArray()), lit(SilverColumns.DOMAIN_FREE))
        .otherwise(lit(SilverColumns.DOMAIN_CORPORATE));
  }

  /** 7 to 15 digits and only phone punctuation besides: a number one could dial. */
  public static Column phoneValid(Column phone) {
    Column t = trim(phone);
    Column digits = length(regexp_replace(t, "[^0-9]", ""));
    return when(phone.isNull(), lit(false))
        .otherwise(t.rlike(PHONE_CHARS).and(digits.between(7, 15)));
  }

  /** The Spark function: one Mac per thread, built from the key on first use. */
  static final class Hmac implements UDF1<String, String> {
    private static final long serialVersionUID = 1L;
    private final byte[] key;
    private transient ThreadLocal<Mac> mac;

    Hmac(String key) {
      this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String call(String value) throws GeneralSecurityException {
      if (value == null) {
        return null;
      }
      if (mac == null) {
        mac = ThreadLocal.withInitial(this::newMac);
      }
      return HexFormat.of().formatHex(mac.get().doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac newMac() {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is not available", e);
      }
    }

    @Override
    public String toString() {
      return "HmacSHA256(<key withheld>)";
    }
  }

  /** Hex HMAC-SHA256 on the driver (tests, reports); same result as {@link #hmac}. */
  public static String hmacHex(String key, String value) {
    try {
      return new Hmac(key).call(value);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
