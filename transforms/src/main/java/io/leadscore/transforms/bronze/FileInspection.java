package io.leadscore.transforms.bronze;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * One pass over a landing file's bytes: its SHA-256, its first line (the CSV header), whether
 * anything follows it, and — for UTF-8 — the first invalid byte sequence (line and offset).
 */
public record FileInspection(String sha256, long bytes, String firstLine, boolean hasDataAfterFirstLine,
    String encodingError) {

  private static final int BUFFER = 1 << 16;
  private static final int MAX_FIRST_LINE = 1 << 20;

  public static FileInspection of(Configuration hadoop, String path, String encoding) {
    Path p = new Path(path);
    try (InputStream in = p.getFileSystem(hadoop).open(p)) {
      return of(in, Charset.forName(encoding));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  public static FileInspection of(InputStream in, Charset charset) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    boolean checkUtf8 = charset.equals(StandardCharsets.UTF_8);
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer sink = CharBuffer.allocate(BUFFER);
    ByteBuffer pending = ByteBuffer.allocate(BUFFER + 8);
    byte[] buf = new byte[BUFFER];
    java.io.ByteArrayOutputStream firstLine = new java.io.ByteArrayOutputStream();
    boolean firstLineDone = false;
    boolean dataAfter = false;
    long total = 0;
    long consumed = 0; // bytes handed to the decoder and accepted
    long newlines = 0; // newline bytes among the consumed bytes
    String error = null;
    int n;
    while ((n = in.read(buf)) > 0) {
      sha.update(buf, 0, n);
      for (int i = 0; i < n && !dataAfter; i++) {
        byte b = buf[i];
        if (!firstLineDone) {
          if (b == '\n') {
            firstLineDone = true;
          } else if (firstLine.size() < MAX_FIRST_LINE) {
            firstLine.write(b);
          }
        } else if (b != '\n' && b != '\r' && b != ' ' && b != '\t') {
          dataAfter = true;
        }
      }
      if (checkUtf8 && error == null) {
        pending.put(buf, 0, n);
        pending.flip();
        error = decode(decoder, pending, sink, false, consumed, newlines);
        for (int i = 0; i < pending.position(); i++) {
          if (pending.get(i) == '\n') {
            newlines++;
          }
        }
        consumed += pending.position();
        pending.compact();
        if (pending.remaining() < BUFFER) {
          // Room for the next read: a leftover is at most 3 bytes of an unfinished sequence.
          ByteBuffer bigger = ByteBuffer.allocate(pending.position() + BUFFER + 8);
          pending.flip();
          bigger.put(pending);
          pending = bigger;
        }
      }
      total += n;
    }
    if (checkUtf8 && error == null) {
      pending.flip();
      error = decode(decoder, pending, sink, true, consumed, newlines);
      if (error == null && pending.hasRemaining()) {
        error = String.format("the file ends inside a UTF-8 character (byte offset %d)", total);
      }
    }
    String header = new String(firstLine.toByteArray(), charset);
    if (header.endsWith("\r")) {
      header = header.substring(0, header.length() - 1);
    }
    if (header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    return new FileInspection(HexFormat.of().formatHex(sha.digest()), total, header, dataAfter,
        error);
  }

  private static String decode(CharsetDecoder decoder, ByteBuffer in, CharBuffer sink,
      boolean end, long consumedBefore, long newlinesBefore) {
    while (true) {
      sink.clear();
      CoderResult r = decoder.decode(in, sink, end);
      if (r.isOverflow()) {
        continue;
      }
      if (r.isError()) {
        long lineNewlines = newlinesBefore;
        for (int i = 0; i < in.position(); i++) {
          if (in.get(i) == '\n') {
            lineNewlines++;
          }
        }
        long offset = consumedBefore + in.position();
        return String.format("invalid UTF-8 at line %d (byte offset %d: %s)", lineNewlines + 1,
            offset, hex(in, r.length()));
      }
      return null;
    }
  }

  private static String hex(ByteBuffer in, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length && in.position() + i < in.limit(); i++) {
      sb.append(String.format("%s0x%02X", i == 0 ? "" : " ", in.get(in.position() + i)));
    }
    return sb.toString();
  }

  /** Whether the file is valid in its encoding (always true for single-byte encodings). */
  public boolean encodingOk() {
    return encodingError == null;
  }
}
