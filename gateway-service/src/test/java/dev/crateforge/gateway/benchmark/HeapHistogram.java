package dev.crateforge.gateway.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each idle connection holds, by class: the difference of two heap histograms ({@code
 * GC.class_histogram}) taken before and after the connections were opened, divided by their number.
 * Names the per-connection holders of the benchmark's heap figure.
 */
final class HeapHistogram {

    private static final Pattern LINE =
            Pattern.compile("\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*");

    private static final int TOP = 40;

    private HeapHistogram() {}

    private record Count(long instances, long bytes) {}

    static void write(String before, String after, int connections, Path file) throws IOException {
        Map<String, Count> old = parse(before);
        Map<String, Count> now = parse(after);
        List<Map.Entry<String, Count>> delta =
                now.entrySet().stream()
                        .map(
                                e -> {
                                    Count was = old.getOrDefault(e.getKey(), new Count(0, 0));
                                    return Map.entry(
                                            e.getKey(),
                                            new Count(
                                                    e.getValue().instances - was.instances,
                                                    e.getValue().bytes - was.bytes));
                                })
                        .sorted((a, b) -> Long.compare(b.getValue().bytes, a.getValue().bytes))
                        .toList();
        long total = delta.stream().mapToLong(e -> e.getValue().bytes).sum();
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(
                        Locale.ROOT,
                        "%d connections; heap histogram difference %.0f bytes per connection%n"
                                + "%12s %12s  %s%n",
                        connections,
                        total / (double) connections,
                        "bytes each",
                        "objects each",
                        "class"));
        for (Map.Entry<String, Count> e : delta.subList(0, Math.min(TOP, delta.size()))) {
            out.append(
                    String.format(
                            Locale.ROOT,
                            "%12.1f %12.2f  %s%n",
                            e.getValue().bytes / (double) connections,
                            e.getValue().instances / (double) connections,
                            e.getKey()));
        }
        Files.writeString(file, out);
        System.out.print(out);
    }

    private static Map<String, Count> parse(String histogram) {
        Map<String, Count> counts = new HashMap<>();
        for (String line : histogram.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                counts.merge(
                        m.group(3),
                        new Count(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
                        (a, b) -> new Count(a.instances + b.instances, a.bytes + b.bytes));
            }
        }
        return counts;
    }
}
