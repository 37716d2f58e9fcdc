package dev.crateforge.artifact;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.response.ValidatableResponse;

/** Reads that must be refused with an RFC 9457 problem. */
public final class TestProblems {

    private TestProblems() {}

    /**
     * GETs {@code path} and checks that the answer is a {@code application/problem+json} with this
     * status, in the header and the body; the caller checks the rest (the detail).
     */
    public static ValidatableResponse get(String path, int status) {
        return given().get(path)
                .then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status));
    }
}
