package dev.crateforge.gateway.security;

import dev.crateforge.gateway.service.KnownBuilder;
import java.util.Optional;

/**
 * The result of checking a {@code ChallengeResponse}. {@code failure} names the reason for
 * operators (logs, metrics); the builder is only ever told {@code authentication failed}.
 */
public record AuthOutcome(Optional<KnownBuilder> builder, String failure) {

    static AuthOutcome success(KnownBuilder builder) {
        return new AuthOutcome(Optional.of(builder), "none");
    }

    static AuthOutcome failed(String reason) {
        return new AuthOutcome(Optional.empty(), reason);
    }

    public boolean succeeded() {
        return builder.isPresent();
    }
}
