package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.required;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.crateforge.protocol.contract.TextLimits;
import dev.crateforge.protocol.job.BuildStage;

/** What a {@link JobEvent} reports; its {@code type} field names the variant. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = JobEventBody.Log.class, name = "log"),
    @JsonSubTypes.Type(value = JobEventBody.StageChanged.class, name = "stage"),
    @JsonSubTypes.Type(value = JobEventBody.Heartbeat.class, name = "heartbeat")
})
public sealed interface JobEventBody {

    /**
     * One line of output, without its line terminator. A line longer than {@link
     * TextLimits#MAX_LOG_LINE_BYTES} UTF-8 bytes is cut with {@link TextLimits#CUT_MARKER}, never
     * refused: builders split long lines, and one that does not loses the line's tail, not its
     * connection.
     */
    record Log(LogStream stream, String line) implements JobEventBody {
        public Log {
            required(stream, "stream");
            line = TextLimits.fitLogLine(required(line, "line"));
        }
    }

    /** The job moved to another stage. */
    record StageChanged(BuildStage stage) implements JobEventBody {
        public StageChanged {
            required(stage, "stage");
        }
    }

    /** The builder is still working on the job; extends its lease. */
    record Heartbeat() implements JobEventBody {}
}
