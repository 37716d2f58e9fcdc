package dev.crateforge.protocol.message;

import static dev.crateforge.protocol.json.Fields.required;
import static dev.crateforge.protocol.json.Fields.text;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.crateforge.protocol.job.BuildStage;

/** What a {@link JobEvent} reports; its {@code type} field names the variant. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = JobEventBody.Log.class, name = "log"),
    @JsonSubTypes.Type(value = JobEventBody.StageChanged.class, name = "stage"),
    @JsonSubTypes.Type(value = JobEventBody.Heartbeat.class, name = "heartbeat")
})
public sealed interface JobEventBody {

    /** The longest log line; builders split longer lines. */
    int MAX_LINE_LENGTH = 16 * 1024;

    /** One line of output, without its line terminator. */
    record Log(LogStream stream, String line) implements JobEventBody {
        public Log {
            required(stream, "stream");
            text(line, "line", MAX_LINE_LENGTH);
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
