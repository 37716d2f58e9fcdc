package dev.crateforge.protocol.json;

import dev.crateforge.protocol.contract.TextLimits;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Field checks shared by every record of the protocol.
 *
 * <p>The records validate themselves in their constructors so that a value that exists is a valid
 * value: the codec turns a failed check into a {@link ProtocolDecodeException} naming the field,
 * and code that builds a record by hand gets the same message as an {@link
 * IllegalArgumentException}.
 */
public final class Fields {

    private Fields() {}

    /** The value, or a "missing field" error. */
    public static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }

    /**
     * A present string of at most {@code maxBytes} bytes in UTF-8, the unit of the wire (never
     * UTF-16 units, which count an emoji as two and a CJK character as one).
     */
    public static String text(String value, String field, int maxBytes) {
        required(value, field);
        // Cheap first: every UTF-16 unit is at least one byte, at most three.
        if (value.length() > maxBytes
                || (value.length() * 3L > maxBytes && TextLimits.utf8Length(value) > maxBytes)) {
            throw new IllegalArgumentException(
                    "field '" + field + "' is longer than " + maxBytes + " bytes of UTF-8");
        }
        return value;
    }

    /** A present, non-blank string of at most {@code maxLength} bytes of UTF-8. */
    public static String nonBlank(String value, String field, int maxLength) {
        text(value, field, maxLength);
        if (value.isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' is empty");
        }
        return value;
    }

    /** An absent value, or a string of at most {@code maxLength} bytes of UTF-8. */
    public static String optionalText(String value, String field, int maxLength) {
        return value == null ? null : text(value, field, maxLength);
    }

    /** A present string matching {@code pattern}, whose description names what was expected. */
    public static String matching(String value, String field, Pattern pattern, String description) {
        required(value, field);
        if (value.length() > 512 || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("field '" + field + "' is not " + description);
        }
        return value;
    }

    /** A present integer within {@code [min, max]}. */
    public static int range(Integer value, String field, int min, int max) {
        required(value, field);
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    "field '" + field + "' must be between " + min + " and " + max);
        }
        return value;
    }

    /** A present long within {@code [min, max]}. */
    public static long range(Long value, String field, long min, long max) {
        required(value, field);
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    "field '" + field + "' must be between " + min + " and " + max);
        }
        return value;
    }

    /** An immutable copy of a present list of at most {@code maxSize} non-null elements. */
    public static <T> List<T> list(Collection<T> values, String field, int maxSize) {
        required(values, field);
        if (values.size() > maxSize) {
            throw new IllegalArgumentException(
                    "field '" + field + "' has more than " + maxSize + " entries");
        }
        for (T value : values) {
            if (value == null) {
                throw new IllegalArgumentException("field '" + field + "' has a null entry");
            }
        }
        return List.copyOf(values);
    }
}
