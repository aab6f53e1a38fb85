package io.leadscore.transforms.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the files of a dataset are read. */
public record ReaderOptions(
    @JsonProperty("delimiter") String delimiter,
    @JsonProperty("quote") String quote,
    @JsonProperty("escape") String escape,
    @JsonProperty("header") Boolean header,
    @JsonProperty("encoding") String encoding,
    @JsonProperty("multiLine") Boolean multiLine) {

  public static final ReaderOptions DEFAULT = new ReaderOptions(null, null, null, null, null, null);

  public ReaderOptions {
    delimiter = delimiter == null ? "," : delimiter.replace("\\t", "\t");
    quote = quote == null ? "\"" : quote;
    escape = escape == null ? "\"" : escape;
    header = header == null || header;
    encoding = encoding == null ? "UTF-8" : encoding;
    multiLine = multiLine != null && multiLine;
  }
}
