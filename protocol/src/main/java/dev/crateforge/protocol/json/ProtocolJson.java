package dev.crateforge.protocol.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one JSON configuration of the protocol, used for WebSocket messages and Kafka records alike.
 *
 * <p>Decoding is strict on purpose: the peer is untrusted, so an unknown field, a string where a
 * number belongs, a float for an integer or a document nested too deep is an error, not a guess.
 * Every failure becomes a {@link ProtocolDecodeException} whose message names the field but never
 * echoes the value.
 */
public final class ProtocolJson {

    /** Largest JSON document the codec reads; transports may set a smaller limit of their own. */
    public static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

    private static final ObjectMapper MAPPER = createMapper();

    private static final JsonFactory TOKEN_READERS =
            MAPPER.getFactory().copy().disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** The most characters of a peer's text that an error message quotes. */
    private static final int MAX_QUOTED_CHARS = 32;

    private static final Pattern MISSING_TYPE_ID =
            Pattern.compile("missing type id property '([A-Za-z0-9_]+)'");
    private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate field '(.*)'");

    private ProtocolJson() {}

    /** The shared, thread-safe mapper. Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * A parser factory with the protocol's limits (string length, nesting, names) but without the
     * parser's own duplicate detection (a set of names per object, a visible cost per document),
     * for readers of one hot message shape that catch a repeated field themselves and hand anything
     * unusual to {@link #decode}, which detects and names it.
     */
    public static JsonFactory tokenReaderFactory() {
        return TOKEN_READERS;
    }

    /** Serializes a protocol value to JSON text. */
    public static String encode(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** Serializes a protocol value to UTF-8 JSON bytes. */
    public static byte[] encodeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** Decodes JSON text into {@code type}, strictly. */
    public static <T> T decode(String json, Class<T> type) throws ProtocolDecodeException {
        if (json == null) {
            throw new ProtocolDecodeException("empty document");
        }
        if (json.length() > MAX_DOCUMENT_BYTES) {
            throw new ProtocolDecodeException(
                    "document larger than " + MAX_DOCUMENT_BYTES + " bytes");
        }
        try (JsonParser parser = MAPPER.createParser(json)) {
            return read(parser, type);
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
    }

    /** Decodes UTF-8 JSON bytes into {@code type}, strictly. */
    public static <T> T decode(byte[] json, Class<T> type) throws ProtocolDecodeException {
        if (json == null || json.length == 0) {
            throw new ProtocolDecodeException("empty document");
        }
        if (json.length > MAX_DOCUMENT_BYTES) {
            throw new ProtocolDecodeException(
                    "document larger than " + MAX_DOCUMENT_BYTES + " bytes");
        }
        try (JsonParser parser = MAPPER.createParser(json)) {
            return read(parser, type);
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * Reads one document, first checking that a message or record is a JSON object at all: an array
     * or a scalar would otherwise reach the type-id logic and come back as a baffling "unknown
     * type".
     */
    private static <T> T read(JsonParser parser, Class<T> type)
            throws IOException, ProtocolDecodeException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw new ProtocolDecodeException("empty document");
        }
        if (expectsObject(type) && first != JsonToken.START_OBJECT) {
            throw new ProtocolDecodeException(
                    "expected a JSON object, got " + describeToken(first));
        }
        return require(MAPPER.readValue(parser, type));
    }

    private static boolean expectsObject(Class<?> type) {
        return type.isRecord()
                || (type.isInterface()
                        && !Iterable.class.isAssignableFrom(type)
                        && !java.util.Map.class.isAssignableFrom(type));
    }

    private static String describeToken(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "something else";
        };
    }

    private static <T> T require(T value) throws ProtocolDecodeException {
        if (value == null) {
            throw new ProtocolDecodeException("document is null");
        }
        return value;
    }

    private static ProtocolDecodeException translate(Exception e) {
        if (e instanceof ProtocolDecodeException known) {
            return known;
        }
        return new ProtocolDecodeException(describe(e), e);
    }

    /**
     * A precise description of what is wrong, in the words of the protocol: the field (as a path
     * such as {@code event.stream} or {@code targets[0]}) and what was expected. Never the
     * offending value, except a type name, which is bounded and reduced to safe characters.
     */
    private static String describe(Exception e) {
        if (e instanceof ValueInstantiationException vie && vie.getCause() != null) {
            return describeInvalidValue(vie);
        }
        if (e instanceof InvalidTypeIdException itie) {
            return describeTypeId(itie);
        }
        if (e instanceof UnrecognizedPropertyException upe) {
            return "unknown field '" + path(upe) + "'";
        }
        if (e instanceof MismatchedInputException mie) {
            return describeMismatch(mie);
        }
        if (e instanceof JsonMappingException jme && !path(jme).isEmpty()) {
            return "field '" + path(jme) + "' is invalid";
        }
        if (e instanceof StreamConstraintsException) {
            return "document exceeds a size or nesting limit";
        }
        if (e instanceof JsonEOFException
                || (e instanceof JsonParseException eof
                        && String.valueOf(eof.getOriginalMessage())
                                .startsWith("Unexpected end-of-input"))) {
            return "malformed JSON: the document ends too early";
        }
        if (e instanceof JsonParseException jpe) {
            Matcher duplicate = DUPLICATE_FIELD.matcher(String.valueOf(jpe.getOriginalMessage()));
            if (duplicate.find()) {
                return "duplicate field '" + sanitise(duplicate.group(1)) + "'";
            }
            JsonLocation at = jpe.getLocation();
            return at == null || at.getCharOffset() < 0
                    ? "malformed JSON"
                    : "malformed JSON at character " + (at.getCharOffset() + 1);
        }
        if (e instanceof JsonProcessingException) {
            return "malformed JSON";
        }
        return "unreadable document";
    }

    /** A record's own check failed: its message names the field, relative to the record. */
    private static String describeInvalidValue(ValueInstantiationException e) {
        Throwable cause = e.getCause();
        String path = path(e);
        if (!(cause instanceof IllegalArgumentException) || cause.getMessage() == null) {
            return "invalid " + e.getType().getRawClass().getSimpleName();
        }
        String message = cause.getMessage();
        if (message.contains("field '")) {
            // A nested record names its own field; put the path of the record in front.
            return path.isEmpty()
                    ? message
                    : message.replaceFirst("field '", "field '" + path + ".");
        }
        return path.isEmpty() ? message : "field '" + path + "' is invalid: " + message;
    }

    private static String describeTypeId(InvalidTypeIdException e) {
        String path = path(e);
        if (e.getTypeId() == null) {
            Matcher property = MISSING_TYPE_ID.matcher(String.valueOf(e.getOriginalMessage()));
            String name = property.find() ? property.group(1) : "type";
            return "missing field '" + (path.isEmpty() ? "" : path + ".") + name + "'";
        }
        String typeId = "'" + sanitise(e.getTypeId()) + "'";
        return path.isEmpty()
                ? "unknown message type " + typeId
                : "field '" + path + "' has an unknown type " + typeId;
    }

    private static String describeMismatch(MismatchedInputException e) {
        String path = path(e);
        if (path.isEmpty()) {
            return "expected a JSON object";
        }
        Class<?> target = e.getTargetType();
        if (e instanceof InvalidFormatException ife
                && ife.getValue() instanceof String
                && target != null
                && target != String.class) {
            // The right JSON type, but not a value of the kind the field holds.
            return "field '" + path + "' is not " + expected(target);
        }
        return "field '" + path + "' has the wrong type (expected " + expected(target) + ")";
    }

    /** What a Java field type is on the wire, for messages. */
    private static String expected(Class<?> target) {
        if (target == null) {
            return "another JSON type";
        }
        if (target == Integer.class
                || target == int.class
                || target == Long.class
                || target == long.class
                || target == Short.class
                || target == short.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(target) || target == double.class) {
            return "a number";
        }
        if (target == String.class) {
            return "a string";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "a boolean";
        }
        if (target == java.util.UUID.class) {
            return "a UUID";
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(target)) {
            return "a timestamp";
        }
        if (target.isEnum()) {
            return "one of the allowed values";
        }
        if (target.isArray() || Iterable.class.isAssignableFrom(target)) {
            return "an array";
        }
        return "an object";
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(truncate(ref.getFieldName()));
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String truncate(String name) {
        return name.length() > 64 ? name.substring(0, 64) + "…" : name;
    }

    /**
     * A peer's text that a message quotes (a type name): at most 32 characters, each a letter,
     * digit, {@code _}, {@code -} or {@code .}; anything else becomes {@code ?}.
     */
    static String sanitise(String text) {
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < text.length() && safe.length() < MAX_QUOTED_CHARS; i++) {
            char c = text.charAt(i);
            boolean plain =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '_'
                            || c == '-'
                            || c == '.';
            safe.append(plain ? c : '?');
        }
        return text.length() > MAX_QUOTED_CHARS ? safe + "…" : safe.toString();
    }

    private static ObjectMapper createMapper() {
        JsonMapper mapper =
                JsonMapper.builder()
                        .addModule(new JavaTimeModule())
                        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                        .serializationInclusion(JsonInclude.Include.NON_NULL)
                        .build();
        mapper.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder()
                                .maxStringLength(MAX_DOCUMENT_BYTES)
                                .maxNestingDepth(16)
                                .maxNumberLength(20)
                                .maxNameLength(256)
                                .build());
        // No implicit conversions between JSON shapes: "1" is not a number, 1 is not a string.
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (LogicalType scalar :
                new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(scalar)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        return mapper;
    }
}
