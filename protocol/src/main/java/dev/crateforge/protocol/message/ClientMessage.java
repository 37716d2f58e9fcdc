package dev.crateforge.protocol.message;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A message from a builder to the gateway. On the wire it is a JSON object whose {@code type} field
 * names the message.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = ChallengeResponse.class, name = "challenge_response"),
    @JsonSubTypes.Type(value = JobRequest.class, name = "job_request"),
    @JsonSubTypes.Type(value = JobEvent.class, name = "job_event"),
    @JsonSubTypes.Type(value = JobResponse.class, name = "job_response")
})
public sealed interface ClientMessage
        permits Hello, ChallengeResponse, JobRequest, JobEvent, JobResponse {}
