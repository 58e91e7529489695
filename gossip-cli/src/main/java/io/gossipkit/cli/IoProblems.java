package io.gossipkit.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Says in a few plain words why a file or a socket operation failed, for the one-line errors of
 * the commands: {@code "not found"}, {@code "permission denied"}, {@code "is a directory"},
 * {@code "address already in use"}, never a Java exception class name.
 *
 * <pre>{@code
 * err.println("gossip keygen: cannot write " + out + ": " + IoProblems.cause(e));
 * }</pre>
 */
final class IoProblems {
  private IoProblems() {}

  /** Why a file operation failed: the operating system's reason, in lower case. */
  static String cause(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "not found";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return lowerFirst(fs.getReason());
    }
    return messageOf(e);
  }

  /**
   * Why binding a socket failed, read from {@code e} and its causes (Netty's native transport
   * reports {@code bind(..) failed with error(-98): Address already in use}).
   */
  static String bindCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("address already in use")) {
        return "address already in use";
      }
      if (m.contains("cannot assign requested address")) {
        return "not an address of this machine";
      }
      if (m.contains("permission denied")) {
        return "permission denied (ports below 1024 need privileges)";
      }
      if (t.getCause() == null || t.getCause() == t) {
        String reason = t.getMessage();
        int colon = reason == null ? -1 : reason.lastIndexOf(": ");
        return reason == null ? "failed" : lowerFirst(colon < 0 ? reason : reason.substring(colon + 2));
      }
    }
    return "failed";
  }

  /** The exception's message without its class name, or its simple class name if it has none. */
  static String messageOf(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static String lowerFirst(String s) {
    if (s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))) {
      return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
    return s;
  }
}
