package io.leadscore.jobs;

import io.leadscore.testing.SparkTestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Landing files for the test source {@code crm} (contract: test resources contracts/crm.yaml). */
final class CrmFixture {
  static final String HEADER = "lead_id,created_at,updated_at,first_name,email,phone,company,"
      + "lead_source,do_not_email,budget,timeline,status,converted_at";

  private CrmFixture() {}

  static String contract() {
    return SparkTestSupport.projectRoot()
        .resolve("jobs/src/test/resources/contracts/crm.yaml").toString();
  }

  /** A row of the CRM export; {@code company} is quoted as CSV needs. */
  static String row(String id, String created, String updated, String name, String email,
      String phone, String company, String source, String dne, String budget, String timeline,
      String status, String convertedAt) {
    return String.join(",", id, created, updated, name, email, phone, csv(company), source, dne,
        budget, timeline, status, convertedAt);
  }

  static String good(String id, String name, String email, String phone) {
    return row(id, "2025-01-01T10:00:00Z", "2025-01-02T10:00:00Z", name, email, phone, "Acme",
        "Google", "No", "1000", "Q1", "new", "");
  }

  static String csv(String value) {
    return value.contains(",") || value.contains("\"")
        ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }

  static Path write(Path landing, String relative, String text) throws IOException {
    return write(landing, relative, text.getBytes(StandardCharsets.UTF_8));
  }

  static Path write(Path landing, String relative, byte[] bytes) throws IOException {
    Path f = landing.resolve(relative);
    Files.createDirectories(f.getParent());
    Files.write(f, bytes);
    return f;
  }

  static String lines(List<String> lines) {
    return String.join("\n", lines) + "\n";
  }
}
