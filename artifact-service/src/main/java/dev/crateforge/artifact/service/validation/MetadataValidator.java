package dev.crateforge.artifact.service.validation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a {@code metadata} artifact: what the reference builder uploads, the output of {@code
 * cargo metadata --format-version 1 --no-deps} for the crate. It must be one JSON object with
 * {@code "version": 1} and a {@code packages} array that holds the package the job built: its
 * {@code name} and {@code version} equal to the job's crate and version. Other members are not
 * looked at (cargo adds some in newer releases).
 *
 * <p>Reads the JSON as a token stream, keeping only the names and versions of the packages, so that
 * memory does not grow with the artifact; its size is bounded by the kind's upload limit.
 */
public final class MetadataValidator {

    /** The format the builder asks cargo for ({@code --format-version 1}). */
    static final int FORMAT_VERSION = 1;

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * @throws InvalidArtifact when the bytes are not such metadata (every IOException here is the
     *     parser's: a source that can fail to read must throw unchecked, so that its failure is not
     *     taken for an invalid artifact)
     */
    public void check(InputStream json, String crate, String version) throws InvalidArtifact {
        List<String> packages = new ArrayList<>();
        boolean sawPackages = false;
        boolean found = false;
        boolean sawFormat = false;
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidArtifact("the metadata is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("packages")) {
                    if (value != JsonToken.START_ARRAY) {
                        throw new InvalidArtifact("the metadata's 'packages' is not an array");
                    }
                    sawPackages = true;
                    found |= readPackages(parser, crate, version, packages);
                } else if (field.equals("version")) {
                    if (value != JsonToken.VALUE_NUMBER_INT
                            || parser.getIntValue() != FORMAT_VERSION) {
                        throw new InvalidArtifact(
                                "the metadata is not cargo metadata format version "
                                        + FORMAT_VERSION);
                    }
                    sawFormat = true;
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new InvalidArtifact("the metadata has content after its JSON object");
            }
        } catch (StreamReadException e) {
            throw new InvalidArtifact(
                    "the metadata is not valid JSON: "
                            + InvalidArtifact.quote(String.valueOf(e.getOriginalMessage())));
        } catch (IOException e) {
            throw new InvalidArtifact("the metadata cannot be read as JSON");
        }
        if (!sawFormat) {
            throw new InvalidArtifact(
                    "the metadata has no 'version' (cargo metadata --format-version "
                            + FORMAT_VERSION
                            + " writes one)");
        }
        if (!sawPackages) {
            throw new InvalidArtifact("the metadata has no 'packages'");
        }
        if (!found) {
            throw new InvalidArtifact(
                    "the metadata does not describe package "
                            + InvalidArtifact.quote(crate)
                            + " version "
                            + InvalidArtifact.quote(version)
                            + (packages.isEmpty()
                                    ? "; it describes no package"
                                    : "; it describes " + String.join(", ", packages)));
        }
    }

    /**
     * Reads the {@code packages} array, up to its end.
     *
     * @param seen where the first few packages that do not match are named, for the detail
     * @return true when one of them is the job's crate and version
     */
    private static boolean readPackages(
            JsonParser parser, String crate, String version, List<String> seen)
            throws IOException, InvalidArtifact {
        boolean found = false;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
            String name = null;
            String packageVersion = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("name") && value == JsonToken.VALUE_STRING) {
                    name = parser.getText();
                } else if (field.equals("version") && value == JsonToken.VALUE_STRING) {
                    packageVersion = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            if (crate.equals(name) && version.equals(packageVersion)) {
                found = true;
            } else if (seen.size() < 3) {
                seen.add(
                        (name == null ? "a package without a name" : InvalidArtifact.quote(name))
                                + (packageVersion == null
                                        ? ""
                                        : " " + InvalidArtifact.quote(packageVersion)));
            }
        }
        if (token != JsonToken.END_ARRAY) {
            throw new InvalidArtifact("the metadata's 'packages' holds something not an object");
        }
        return found;
    }
}
