package io.leadscore.transforms.bronze;

import java.time.Instant;

/** Where a batch of bronze rows came from: the values of the lineage columns. */
public record Lineage(String sourceFile, String fileHash, int fileVersion, String batchId,
    String ingestRunId, Instant ingestedAt) {}
