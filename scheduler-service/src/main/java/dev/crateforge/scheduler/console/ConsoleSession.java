package dev.crateforge.scheduler.console;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.Optional;

/**
 * The console session of the request being served, read once from its cookie. Pages ask it (as
 * {@code inject:session} in templates) whether to show who is signed in and which action forms;
 * actions ask it for the operator, the CSRF check and the origin check.
 */
@RequestScoped
@Named("session")
public class ConsoleSession {

    private final RoutingContext request;
    private final ConsoleLogins logins;
    private final ConsoleConfig config;
    private Optional<Operator> operator;

    public ConsoleSession(RoutingContext request, ConsoleLogins logins, ConsoleConfig config) {
        this.request = request;
        this.logins = logins;
        this.config = config;
    }

    public Optional<Operator> operator() {
        if (operator == null) {
            Cookie cookie = request.request().getCookie(ConsoleLogins.COOKIE);
            operator = logins.session(cookie == null ? null : cookie.getValue());
        }
        return operator;
    }

    public boolean signedIn() {
        return operator().isPresent();
    }

    public String name() {
        return operator().map(Operator::name).orElse("");
    }

    public String roles() {
        return operator().map(Operator::roles).orElse("");
    }

    public Instant until() {
        return operator().map(Operator::expiresAt).orElse(null);
    }

    /** Whether the forms that cancel, retry and re-prioritise a job are shown. */
    public boolean canChangeJobs() {
        return operator().map(Operator::canChangeJobs).orElse(false);
    }

    /** Whether the forms that set and clear a crate's limits are shown. */
    public boolean admin() {
        return operator().map(Operator::admin).orElse(false);
    }

    /** The CSRF token every form of this session carries. */
    public String csrf() {
        return operator().map(logins::csrf).orElse("");
    }

    /**
     * The operator allowed to post this form: the request comes from the console's own origin, a
     * session is open, the form carries the session's CSRF token, and the operator holds the role.
     * Anything else is refused before the action touches anything.
     */
    public Operator authorise(String csrfToken, boolean needsAdmin) {
        requireSameOrigin();
        Operator signedIn =
                operator()
                        .orElseThrow(
                                () ->
                                        new ConsoleRefusal(
                                                401,
                                                "Not signed in",
                                                "Sign in with an operator token first (your"
                                                        + " session may have ended with its"
                                                        + " token)."));
        if (!logins.csrfMatches(signedIn, csrfToken)) {
            throw new ConsoleRefusal(
                    403,
                    "Form refused",
                    "The form's CSRF token is missing or does not belong to your session; nothing"
                            + " was changed. Reload the page and send the form again.");
        }
        if (needsAdmin && !signedIn.admin()) {
            throw new ConsoleRefusal(
                    403,
                    "Not allowed",
                    "This needs the admin group; "
                            + signedIn.name()
                            + " has "
                            + signedIn.roles()
                            + ". Nothing was changed.");
        }
        return signedIn;
    }

    /**
     * Refuses a post that a browser sent from another origin: its Origin header, or without one its
     * Referer, must name the console's own origin.
     */
    public void requireSameOrigin() {
        HttpServerRequest http = request.request();
        String own =
                config.origin().map(o -> o.replaceAll("/+$", "")).orElseGet(() -> ownOrigin(http));
        String origin = http.getHeader("Origin");
        String referer = http.getHeader("Referer");
        boolean same =
                origin != null
                        ? origin.equals(own)
                        : referer != null && (referer.equals(own) || referer.startsWith(own + "/"));
        if (!same) {
            throw new ConsoleRefusal(
                    403,
                    "Form refused",
                    origin == null && referer == null
                            ? "The request names neither its Origin nor its Referer, so it cannot"
                                    + " be told from a forged one; nothing was changed."
                            : "The form was sent from another site; nothing was changed.");
        }
    }

    /**
     * The origin the request was addressed to. HTTP/2 carries it as the {@code :authority}
     * pseudo-header and has no Host header (a browser over h2, or a client that upgraded a plain
     * connection with h2c), so the Host header alone would make every such form look foreign.
     */
    private static String ownOrigin(HttpServerRequest http) {
        HostAndPort authority = http.authority();
        if (authority == null) {
            return null;
        }
        return http.scheme()
                + "://"
                + authority.host()
                + (authority.port() >= 0 ? ":" + authority.port() : "");
    }
}
