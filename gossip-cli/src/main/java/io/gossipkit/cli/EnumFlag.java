package io.gossipkit.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts an enum from its kebab-case command-line spelling ({@code PUSH_PULL} is
 * {@code push-pull}) and lists the spellings for help and completion. Each enum gets a small
 * subclass with a no-argument constructor, which picocli instantiates.
 *
 * <pre>{@code
 * static final class Exchanges extends EnumFlag<Exchange> {
 *   Exchanges() { super(Exchange.class); }
 * }
 * @Option(names = "--exchange", converter = Exchanges.class, completionCandidates = Exchanges.class)
 * }</pre>
 */
abstract class EnumFlag<E extends Enum<E>> implements ITypeConverter<E>, Iterable<String> {
  private final Class<E> type;

  EnumFlag(Class<E> type) {
    this.type = type;
  }

  /** The command-line spelling of {@code value}. */
  static String spell(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public E convert(String text) {
    for (E e : type.getEnumConstants()) {
      if (spell(e).equals(text)) {
        return e;
      }
    }
    throw new TypeConversionException(
        "expected one of " + String.join(", ", this) + " but was '" + text + "'");
  }

  @Override
  public Iterator<String> iterator() {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(spell(e));
    }
    return names.iterator();
  }
}
