package dev.crateforge.protocol.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.crateforge.protocol.json.ProtocolJson;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.LogStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Reads the one record shape that dominates the job-events topic, a builder's log line ({@code
 * EventReported} with a {@code log} body), straight off the token stream. The general decoder
 * resolves two levels of polymorphic type ids and binds records through reflection, which cost
 * about half of the scheduler's CPU per log line. Anything this reader does not fully understand
 * (another body, a missing, unknown, repeated, null or differently typed field, trailing content)
 * makes it answer {@code null}, and the caller decodes with the strict general decoder, which then
 * accepts or refuses the record exactly as before, with its own error message. The records'
 * constructors check the values here as there.
 */
final class LogEventReader {

    /** Repeated fields are caught below, not by the parser: see the factory. */
    private static final JsonFactory FACTORY = ProtocolJson.tokenReaderFactory();

    private LogEventReader() {}

    /** The log event, or {@code null} when the document is anything else or anything unusual. */
    static JobActivity.EventReported read(byte[] json) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String type = null;
            UUID jobId = null;
            Integer attempt = null;
            UUID builderId = null;
            Long seq = null;
            JobEventBody.Log event = null;
            Instant receivedAt = null;
            int seen = 0;
            for (JsonToken token = parser.nextToken();
                    token != JsonToken.END_OBJECT;
                    token = parser.nextToken()) {
                String name = parser.currentName();
                int field = field(name);
                if (field == 0 || (seen & field) != 0) {
                    return null; // unknown or repeated: the general decoder says which
                }
                seen |= field;
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "type" -> type = text(parser, value);
                    case "jobId" -> jobId = uuid(parser, value);
                    case "attempt" -> attempt = integer(parser, value);
                    case "builderId" -> builderId = uuid(parser, value);
                    case "seq" -> seq = whole(parser, value);
                    case "event" -> event = log(parser, value);
                    default -> receivedAt = instant(parser, value);
                }
            }
            if (parser.nextToken() != null
                    || !"event".equals(type)
                    || jobId == null
                    || attempt == null
                    || builderId == null
                    || seq == null
                    || event == null
                    || receivedAt == null) {
                return null;
            }
            return new JobActivity.EventReported(jobId, attempt, builderId, seq, event, receivedAt);
        } catch (Exception e) {
            // Whatever went wrong, the general decoder says what it is (or that it is fine).
            return null;
        }
    }

    /** A bit per known field of the record, {@code 0} for any other name. */
    private static int field(String name) {
        return switch (name) {
            case "type" -> 1;
            case "jobId" -> 2;
            case "attempt" -> 4;
            case "builderId" -> 8;
            case "seq" -> 16;
            case "event" -> 32;
            case "receivedAt" -> 64;
            default -> 0;
        };
    }

    /** The {@code log} body, or {@code null} for any other body or shape. */
    private static JobEventBody.Log log(JsonParser parser, JsonToken token) throws Exception {
        if (token != JsonToken.START_OBJECT) {
            return null;
        }
        String type = null;
        LogStream stream = null;
        String line = null;
        int seen = 0;
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String name = parser.currentName();
            int field =
                    switch (name) {
                        case "type" -> 1;
                        case "stream" -> 2;
                        case "line" -> 4;
                        default -> 0;
                    };
            if (field == 0 || (seen & field) != 0) {
                return null;
            }
            seen |= field;
            JsonToken value = parser.nextToken();
            switch (field) {
                case 1 -> type = text(parser, value);
                case 2 -> stream = stream(text(parser, value));
                default -> line = text(parser, value);
            }
        }
        if (!"log".equals(type) || stream == null || line == null) {
            return null;
        }
        return new JobEventBody.Log(stream, line);
    }

    private static LogStream stream(String name) {
        if (name == null) {
            return null;
        }
        for (LogStream stream : LogStream.values()) {
            if (stream.wireName().equals(name)) {
                return stream;
            }
        }
        return null;
    }

    private static String text(JsonParser parser, JsonToken token) throws Exception {
        return token == JsonToken.VALUE_STRING ? parser.getText() : null;
    }

    /**
     * Only the canonical form (hex digits, dashes at 8, 13, 18 and 23), which the general decoder
     * reads the same way; {@link UUID#fromString} alone would also take signs and short groups.
     */
    private static UUID uuid(JsonParser parser, JsonToken token) throws Exception {
        String text = text(parser, token);
        if (text == null || text.length() != 36) {
            return null;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0 || c > 'f') {
                return null;
            }
        }
        return UUID.fromString(text);
    }

    private static Integer integer(JsonParser parser, JsonToken token) throws Exception {
        return token == JsonToken.VALUE_NUMBER_INT
                        && parser.getNumberType() == JsonParser.NumberType.INT
                ? parser.getIntValue()
                : null;
    }

    private static Long whole(JsonParser parser, JsonToken token) throws Exception {
        return token == JsonToken.VALUE_NUMBER_INT
                        && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                ? parser.getLongValue()
                : null;
    }

    private static Instant instant(JsonParser parser, JsonToken token) throws Exception {
        String text = text(parser, token);
        if (text == null) {
            return null;
        }
        Instant utc = utc(text);
        return utc != null ? utc : Instant.parse(text);
    }

    /**
     * The form the gateway writes, {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, read by position: the
     * formatter behind {@link Instant#parse} was over a third of this reader's time. Anything else
     * answers {@code null} and goes through {@link Instant#parse}; an out-of-range field throws,
     * which sends the whole record to the general decoder.
     */
    private static Instant utc(String t) {
        int n = t.length();
        if (n < 20
                || n > 30
                || n == 21
                || t.charAt(4) != '-'
                || t.charAt(7) != '-'
                || t.charAt(10) != 'T'
                || t.charAt(13) != ':'
                || t.charAt(16) != ':'
                || t.charAt(n - 1) != 'Z'
                || (n > 20 && t.charAt(19) != '.')) {
            return null;
        }
        int nanos = 0;
        for (int i = 20; i < n - 1; i++) {
            int d = digit(t.charAt(i));
            if (d < 0) {
                return null;
            }
            nanos = nanos * 10 + d;
        }
        for (int i = n - 1; i < 29; i++) {
            nanos *= 10;
        }
        int year = number(t, 0, 4);
        int month = number(t, 5, 7);
        int day = number(t, 8, 10);
        int hour = number(t, 11, 13);
        int minute = number(t, 14, 16);
        int second = number(t, 17, 19);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        return LocalDateTime.of(year, month, day, hour, minute, second, nanos)
                .toInstant(ZoneOffset.UTC);
    }

    /** The decimal number in {@code t[from, to)}, or {@code -1} if any character is no digit. */
    private static int number(String t, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int d = digit(t.charAt(i));
            if (d < 0) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static int digit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : -1;
    }
}
