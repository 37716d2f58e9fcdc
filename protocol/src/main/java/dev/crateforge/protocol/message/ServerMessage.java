package dev.crateforge.protocol.message;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A message from the gateway to a builder. On the wire it is a JSON object whose {@code type} field
 * names the message.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ChallengeRequest.class, name = "challenge_request"),
    @JsonSubTypes.Type(value = Authenticated.class, name = "authenticated"),
    @JsonSubTypes.Type(value = Jobs.class, name = "jobs"),
    @JsonSubTypes.Type(value = CancelJob.class, name = "cancel_job"),
    @JsonSubTypes.Type(value = JobResponseAccepted.class, name = "job_response_accepted"),
    @JsonSubTypes.Type(value = ErrorMessage.class, name = "error")
})
public sealed interface ServerMessage
        permits ChallengeRequest,
                Authenticated,
                Jobs,
                CancelJob,
                JobResponseAccepted,
                ErrorMessage {}
