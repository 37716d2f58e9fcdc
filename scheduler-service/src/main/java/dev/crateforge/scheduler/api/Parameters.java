package dev.crateforge.scheduler.api;

import dev.crateforge.protocol.job.Naming;
import java.util.UUID;

/** Reading request parameters, with the 400 problem that names the parameter. */
public final class Parameters {

    private Parameters() {}

    /** {@code value} as a UUID, or a {@link BadParameterException} naming {@code parameter}. */
    public static UUID uuid(String parameter, String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new BadParameterException(
                    parameter, "parameter '" + parameter + "' is not a UUID");
        }
    }

    /** {@code value} if it is a crate name, or a {@link BadParameterException}. */
    public static String crateName(String parameter, String value) {
        if (value == null || value.length() > 64 || !Naming.CRATE_NAME.matcher(value).matches()) {
            throw new BadParameterException(
                    parameter, "path parameter '" + parameter + "' is not a crate name");
        }
        return value;
    }
}
