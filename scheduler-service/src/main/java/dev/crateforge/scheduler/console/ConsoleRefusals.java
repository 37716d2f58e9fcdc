package dev.crateforge.scheduler.console;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Shows a refused console request as a page of its own, with the status it deserves. */
public class ConsoleRefusals {

    @ServerExceptionMapper
    public Response refused(ConsoleRefusal refusal) {
        return Response.status(refusal.status())
                .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(
                        ConsoleActions.Templates.error(refusal.title(), refusal.getMessage())
                                .render())
                .build();
    }
}
