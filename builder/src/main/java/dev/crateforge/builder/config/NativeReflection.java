package dev.crateforge.builder.config;

import dev.crateforge.protocol.job.ArtifactDigest;
import dev.crateforge.protocol.job.ArtifactKind;
import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.job.JobResult;
import dev.crateforge.protocol.message.Authenticated;
import dev.crateforge.protocol.message.CancelJob;
import dev.crateforge.protocol.message.ChallengeRequest;
import dev.crateforge.protocol.message.ChallengeResponse;
import dev.crateforge.protocol.message.ClientMessage;
import dev.crateforge.protocol.message.ErrorMessage;
import dev.crateforge.protocol.message.Hello;
import dev.crateforge.protocol.message.JobAssignment;
import dev.crateforge.protocol.message.JobEvent;
import dev.crateforge.protocol.message.JobEventBody;
import dev.crateforge.protocol.message.JobRequest;
import dev.crateforge.protocol.message.JobResponse;
import dev.crateforge.protocol.message.JobResponseAccepted;
import dev.crateforge.protocol.message.Jobs;
import dev.crateforge.protocol.message.LogStream;
import dev.crateforge.protocol.message.ServerMessage;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The protocol's message records are (de)serialized by Jackson through reflection, which a native
 * image only allows for classes registered at build time. This list is every type the builder reads
 * or writes on the WebSocket; a new message type must be added here too.
 */
@RegisterForReflection(
        targets = {
            ClientMessage.class,
            ServerMessage.class,
            Hello.class,
            ChallengeRequest.class,
            ChallengeResponse.class,
            Authenticated.class,
            JobRequest.class,
            Jobs.class,
            JobAssignment.class,
            JobEvent.class,
            JobEventBody.class,
            JobEventBody.Log.class,
            JobEventBody.StageChanged.class,
            JobEventBody.Heartbeat.class,
            JobResponse.class,
            JobResponseAccepted.class,
            CancelJob.class,
            ErrorMessage.class,
            LogStream.class,
            ArtifactDigest.class,
            ArtifactKind.class,
            BuildStage.class,
            JobResult.class
        })
public final class NativeReflection {

    private NativeReflection() {}
}
