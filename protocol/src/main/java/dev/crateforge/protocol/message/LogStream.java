package dev.crateforge.protocol.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a log line came from. */
public enum LogStream {
    /** Standard output of the build command. */
    STDOUT("stdout"),
    /** Standard error of the build command. */
    STDERR("stderr"),
    /** The builder itself: what it fetched, checked and uploaded. */
    BUILDER("builder");

    private final String wireName;

    LogStream(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    static LogStream fromJson(String name) {
        for (LogStream stream : values()) {
            if (stream.wireName.equals(name)) {
                return stream;
            }
        }
        throw new IllegalArgumentException("unknown log stream");
    }
}
