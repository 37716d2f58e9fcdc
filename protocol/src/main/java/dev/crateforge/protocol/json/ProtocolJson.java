package dev.crateforge.protocol.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.stream.Collectors;

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

    private ProtocolJson() {}

    /** The shared, thread-safe mapper. Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
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
        try {
            return require(MAPPER.readValue(json, type));
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
        try {
            return require(MAPPER.readValue(json, type));
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
    }

    private static <T> T require(T value) throws ProtocolDecodeException {
        if (value == null) {
            throw new ProtocolDecodeException("document is null");
        }
        return value;
    }

    private static ProtocolDecodeException translate(Exception e) {
        return new ProtocolDecodeException(describe(e), e);
    }

    private static String describe(Exception e) {
        if (e instanceof ValueInstantiationException vie && vie.getCause() != null) {
            Throwable cause = vie.getCause();
            if (cause instanceof IllegalArgumentException) {
                return cause.getMessage();
            }
            return "invalid " + vie.getType().getRawClass().getSimpleName();
        }
        if (e instanceof InvalidTypeIdException itie) {
            return itie.getTypeId() == null
                    ? "missing field '"
                            + itie.getPathReference().replaceAll(".*\\[\"?|\"?\\]$", "")
                            + "'"
                    : "unknown type";
        }
        if (e instanceof UnrecognizedPropertyException upe) {
            return "unknown field '" + truncate(upe.getPropertyName()) + "'";
        }
        if (e instanceof MismatchedInputException mie) {
            String path = path(mie);
            return path.isEmpty() ? "wrong JSON shape" : "field '" + path + "' has the wrong type";
        }
        if (e instanceof JsonMappingException jme && !path(jme).isEmpty()) {
            return "field '" + path(jme) + "' is invalid";
        }
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
            return "document exceeds a size or nesting limit";
        }
        if (e instanceof JsonProcessingException) {
            return "malformed JSON";
        }
        return "unreadable document";
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(
                        ref ->
                                ref.getFieldName() != null
                                        ? truncate(ref.getFieldName())
                                        : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String truncate(String name) {
        return name.length() > 64 ? name.substring(0, 64) + "…" : name;
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
