package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.list;
import static dev.crateforge.protocol.json.Fields.range;

import dev.crateforge.protocol.job.Naming;
import java.util.List;

/**
 * The builder asks for up to {@code slots} jobs for any of {@code targets}. The gateway answers
 * with {@link Jobs} when work exists; until then the request waits. A new request replaces the
 * builder's previous one.
 */
public record JobRequest(List<String> targets, Integer slots) implements ClientMessage {

    public JobRequest {
        targets = list(targets, "targets", 32);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("field 'targets' is empty");
        }
        for (String target : targets) {
            if (!Naming.isTarget(target)) {
                throw new IllegalArgumentException(
                        "field 'targets' has an entry that is not a target triple");
            }
        }
        range(slots, "slots", 1, 64);
    }
}
