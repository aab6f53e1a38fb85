package io.leadscore.models.scoring;

/** A pipeline stage (or a setting of one) the compiler has no SQL form for. */
final class UnsupportedStageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnsupportedStageException(String message) {
    super(message);
  }
}
