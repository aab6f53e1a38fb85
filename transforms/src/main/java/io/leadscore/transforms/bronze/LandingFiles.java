package io.leadscore.transforms.bronze;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Finds the files of a contract's landing pattern ({@code leads/**}{@code /*.csv}: {@code *}
 * and {@code ?} within a path segment, {@code **} across segments, {@code {a,b}}
 * alternatives) under the landing root, on any Hadoop file system. Hidden files ({@code _x},
 * {@code .x}: _SUCCESS, .crc) are never returned.
 */
public final class LandingFiles {
  private LandingFiles() {}

  public static List<LandingFile> list(Configuration hadoop, String landingRoot, String pattern) {
    String root = landingRoot.endsWith("/") ? landingRoot.substring(0, landingRoot.length() - 1)
        : landingRoot;
    String[] segments = pattern.split("/");
    StringBuilder literal = new StringBuilder();
    int firstGlob = 0;
    while (firstGlob < segments.length - 1 && !hasGlob(segments[firstGlob])) {
      literal.append('/').append(segments[firstGlob]);
      firstGlob++;
    }
    String rest = String.join("/", java.util.Arrays.copyOfRange(segments, firstGlob,
        segments.length));
    Pattern matcher = Pattern.compile(globToRegex(rest));
    Path base = new Path(root + literal);
    List<LandingFile> files = new ArrayList<>();
    try {
      FileSystem fs = base.getFileSystem(hadoop);
      if (!fs.exists(base)) {
        return files;
      }
      String basePath = fs.getFileStatus(base).getPath().toUri().getPath();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(base, true);
      while (it.hasNext()) {
        LocatedFileStatus st = it.next();
        String full = st.getPath().toUri().getPath();
        String relative = full.length() > basePath.length()
            ? full.substring(basePath.length() + (basePath.endsWith("/") ? 0 : 1)) : "";
        if (isHidden(relative) || !matcher.matcher(relative).matches()) {
          continue;
        }
        files.add(new LandingFile(st.getPath().toString(), st.getLen(),
            st.getModificationTime()));
      }
    } catch (FileNotFoundException e) {
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list landing folder " + base + ": " + e.getMessage(),
          e);
    }
    files.sort(Comparator.comparing(LandingFile::path));
    return files;
  }

  static boolean hasGlob(String segment) {
    return segment.contains("*") || segment.contains("?") || segment.contains("{")
        || segment.contains("[");
  }

  private static boolean isHidden(String relative) {
    for (String s : relative.split("/")) {
      if (s.startsWith("_") || s.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Glob → regular expression over a relative path with '/' separators. */
  static String globToRegex(String glob) {
    StringBuilder re = new StringBuilder();
    int braces = 0;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
            boolean slash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
            re.append(slash ? "(?:.*/)?" : ".*");
            i += slash ? 2 : 1;
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        case '{' -> {
          braces++;
          re.append("(?:");
        }
        case '}' -> {
          braces--;
          re.append(')');
        }
        case ',' -> re.append(braces > 0 ? "|" : ",");
        case '[' -> re.append('[');
        case ']' -> re.append(']');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return re.toString();
  }
}
