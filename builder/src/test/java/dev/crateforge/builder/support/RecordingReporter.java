package dev.crateforge.builder.support;

import dev.crateforge.builder.job.JobReporter;
import dev.crateforge.protocol.job.BuildStage;
import dev.crateforge.protocol.message.LogStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects what a job reports, in order. */
public final class RecordingReporter implements JobReporter {

    public final List<BuildStage> stages = new CopyOnWriteArrayList<>();
    public final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void stage(BuildStage stage) {
        stages.add(stage);
    }

    @Override
    public void log(LogStream stream, String line) {
        lines.add(stream.wireName() + ": " + line);
    }

    public String log() {
        return String.join("\n", lines);
    }
}
