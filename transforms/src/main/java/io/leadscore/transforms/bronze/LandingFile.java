package io.leadscore.transforms.bronze;

/** A file found under the landing folder: where, how big, when last modified. */
public record LandingFile(String path, long size, long modifiedMillis) {}
