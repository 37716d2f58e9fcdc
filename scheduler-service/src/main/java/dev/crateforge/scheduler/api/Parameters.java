package dev.crateforge.scheduler.api;

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
}
