package dev.crateforge.scheduler.job;

import dev.crateforge.protocol.job.ArtifactKind;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores an {@link ArtifactKind} as its wire name; new kinds need no schema change but a check. */
@Converter
public class ArtifactKindConverter implements AttributeConverter<ArtifactKind, String> {

    @Override
    public String convertToDatabaseColumn(ArtifactKind kind) {
        return kind == null ? null : kind.wireName();
    }

    @Override
    public ArtifactKind convertToEntityAttribute(String name) {
        return name == null ? null : fromColumn(name);
    }

    /** A kind as stored; the plain-JDBC repositories read it with this too. */
    public static ArtifactKind fromColumn(String name) {
        return ArtifactKind.fromWireName(name)
                .orElseThrow(() -> new IllegalStateException("unknown kind in database: " + name));
    }
}
