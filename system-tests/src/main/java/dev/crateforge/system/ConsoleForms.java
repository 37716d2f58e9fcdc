package dev.crateforge.system;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The console as a browser without JavaScript uses it: pages fetched with the session cookie, forms
 * posted url-encoded with the CSRF token read from the page and the Origin header a browser sends
 * for a page of that address. The console's checks (origin, session, CSRF, role) are exercised as
 * they are in production instead of being bypassed with bearer tokens. Redirects are not followed,
 * so that a test sees the 303 an accepted action answers.
 *
 * <p>The client speaks HTTP/2 where the server offers it (h2c upgrade on plain http, as the JDK
 * does by default), so a request's address arrives as {@code :authority} rather than a Host header,
 * as it does from a browser over HTTPS.
 */
public final class ConsoleForms {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final URI base;
    private final String origin;
    private final HttpClient http;

    /** A browser with no session yet on the console at {@code base} (scheme, host and port). */
    public ConsoleForms(URI base) {
        this.base = base;
        this.origin = base.getScheme() + "://" + base.getRawAuthority();
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ORIGINAL_SERVER);
        this.http =
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .cookieHandler(cookies)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
    }

    /** Signs in with an operator token as the login form does; the answer is a 303 when it took. */
    public HttpResponse<String> signIn(String token) {
        return post("/console/login", Map.of("token", token));
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /**
     * Posts the form of {@code page} to {@code action}: the CSRF token is the one {@code page}
     * carries for this session, the other fields are {@code fields}.
     */
    public HttpResponse<String> submit(String page, String action, Map<String, String> fields) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("csrf", csrf(page));
        form.putAll(fields);
        return post(action, form);
    }

    /** The CSRF token the forms of {@code page} carry, failing when the page shows none. */
    public String csrf(String page) {
        HttpResponse<String> response = get(page);
        Matcher matcher = CSRF.matcher(response.body());
        if (response.statusCode() != 200 || !matcher.find()) {
            throw new IllegalStateException(
                    page + " shows no form (" + response.statusCode() + "): " + response.body());
        }
        return matcher.group(1);
    }

    /** Posts {@code fields} url-encoded to {@code path} with this console's Origin. */
    public HttpResponse<String> post(String path, Map<String, String> fields) {
        String form =
                fields.entrySet().stream()
                        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                        .collect(Collectors.joining("&"));
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Origin", origin)
                        .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(
                    request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the console did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
