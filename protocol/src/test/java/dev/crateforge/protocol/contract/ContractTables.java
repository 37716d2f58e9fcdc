package dev.crateforge.protocol.contract;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Renders the contract's enums as the Markdown tables the documentation carries. */
final class ContractTables {

    private ContractTables() {}

    static String socketErrors() {
        return "| code | meaning | retriable | what the builder does |\n|---|---|---|---|\n"
                + Arrays.stream(SocketError.values())
                        .map(
                                e ->
                                        row(
                                                code(e.wireName()),
                                                e.meaning(),
                                                yesNo(e.retriable()),
                                                action(e.action())))
                        .collect(Collectors.joining());
    }

    static String socketCloses() {
        return "| code | reason | what the builder does |\n|---|---|---|\n"
                + Arrays.stream(SocketClose.values())
                        .map(
                                c ->
                                        row(
                                                String.valueOf(c.code()),
                                                code(c.reason())
                                                        + (c.detailFollows()
                                                                ? " and a detail"
                                                                : ""),
                                                action(c.action())))
                        .collect(Collectors.joining());
    }

    static String uploadOutcomes() {
        return "| status | problem reason | meaning | retriable | what the builder does |\n"
                + "|---|---|---|---|---|\n"
                + Arrays.stream(UploadOutcome.values())
                        .map(
                                o ->
                                        row(
                                                String.valueOf(o.status()),
                                                code(o.reason()),
                                                o.meaning(),
                                                yesNo(o.retriable()),
                                                action(o.action())))
                        .collect(Collectors.joining());
    }

    static String failureCodes() {
        return "| failureCode | whose fault | meaning | retried by the scheduler |\n"
                + "|---|---|---|---|\n"
                + Arrays.stream(FailureCode.values())
                        .map(
                                f ->
                                        row(
                                                code(f.wireName()),
                                                f.fault().name().toLowerCase(java.util.Locale.ROOT),
                                                f.meaning(),
                                                yesNo(f.retried())))
                        .collect(Collectors.joining());
    }

    static String peerActions() {
        return "| action | what it means |\n|---|---|\n"
                + Arrays.stream(PeerAction.values())
                        .map(a -> row(action(a), a.description()))
                        .collect(Collectors.joining());
    }

    private static String action(PeerAction action) {
        return code(action.name().toLowerCase(java.util.Locale.ROOT));
    }

    private static String code(String text) {
        return "`" + text + "`";
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }
}
