package io.leadscore.transforms.contract;

/**
 * A contract that cannot be used: malformed YAML, an unknown key, a bad value, or a name that
 * does not resolve. The message names the file and the key; jobs turn it into exit code 2.
 */
public class ContractException extends IllegalArgumentException {
  public ContractException(String message) {
    super(message);
  }

  public ContractException(String message, Throwable cause) {
    super(message, cause);
  }
}
