package dev.crateforge.scheduler.job;

import dev.crateforge.protocol.job.JobState;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a {@link JobState} as its wire name, so that the table reads like the API. */
@Converter
public class JobStateConverter implements AttributeConverter<JobState, String> {

    @Override
    public String convertToDatabaseColumn(JobState state) {
        return state == null ? null : state.wireName();
    }

    @Override
    public JobState convertToEntityAttribute(String name) {
        return name == null ? null : JobState.fromWireName(name);
    }
}
