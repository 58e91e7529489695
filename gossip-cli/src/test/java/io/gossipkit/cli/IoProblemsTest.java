package io.gossipkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The causes the commands print: the operating system's reason in words, never a class name. */
class IoProblemsTest {
  @Test
  void fileErrorsAreSaidAsNotFoundPermissionDeniedOrTheSystemsReason() {
    assertEquals("not found", IoProblems.cause(new NoSuchFileException("/x/k.key")));
    assertEquals("permission denied", IoProblems.cause(new AccessDeniedException("/x/k.key")));
    assertEquals("is a directory",
        IoProblems.cause(new FileSystemException("/x/.k.tmp", "/x/k", "Is a directory")));
    assertEquals("disk on fire", IoProblems.cause(new IOException("disk on fire")));
  }

  @Test
  void bindErrorsAreFoundInTheCauseChainAndSaidInWords() {
    IOException netty = new IOException("bind(..) failed with error(-98): Address already in use");
    BindException wrapped = new BindException("cannot bind udp transport to /127.0.0.1:7001: "
        + "io.netty.channel.unix.Errors$NativeIoException: x");
    wrapped.initCause(netty);
    assertEquals("address already in use",
        IoProblems.bindCause(new UncheckedIOException("node a could not start", wrapped)));
    assertEquals("not an address of this machine", IoProblems.bindCause(
        new IOException("bind(..) failed with error(-99): Cannot assign requested address")));
  }
}
