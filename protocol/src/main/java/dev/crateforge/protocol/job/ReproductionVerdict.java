package dev.crateforge.protocol.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * What the independent builds of one job came to (docs/architecture.md, "Independent rebuilds").
 * Only {@link #REPRODUCED} makes an artifact public; an operator may release one side of any other.
 */
public enum ReproductionVerdict {
    /** Not every build has ended yet. */
    PENDING("pending"),
    /** Every build succeeded with the same digest for every artifact kind. */
    REPRODUCED("reproduced"),
    /** The builds ended differently: other digests, or success beside the crate's failure. */
    DISAGREED("disagreed"),
    /**
     * Some build ended without a result of the crate (a fault of ours, cancelled): nothing to
     * compare.
     */
    INCOMPLETE("incomplete"),
    /** Every build failed for the crate's own reason: there is nothing to publish. */
    FAILED("failed");

    private final String wireName;

    ReproductionVerdict(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire, in URLs and in the database. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The verdict with this wire name, if there is one. */
    public static Optional<ReproductionVerdict> fromWireName(String name) {
        return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst();
    }

    @JsonCreator
    static ReproductionVerdict fromJson(String name) {
        return fromWireName(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown reproduction verdict"));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
