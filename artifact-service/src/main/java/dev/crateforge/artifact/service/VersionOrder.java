package dev.crateforge.artifact.service;

import java.util.Comparator;

/**
 * Semantic Versioning 2.0 precedence (§11) for versions that passed {@code Naming.isVersion}:
 * numeric core, then a pre-release below its release, pre-release identifiers compared numerically
 * when both are numeric and by ASCII otherwise, numeric below alphanumeric, fewer identifiers below
 * more. Build metadata has no precedence; two versions that differ only there are ordered by their
 * text, so the order is total and the index is the same on every request.
 */
public final class VersionOrder implements Comparator<String> {

    public static final VersionOrder INSTANCE = new VersionOrder();

    private VersionOrder() {}

    @Override
    public int compare(String a, String b) {
        String[] aBuild = a.split("\\+", 2);
        String[] bBuild = b.split("\\+", 2);
        String[] aPre = aBuild[0].split("-", 2);
        String[] bPre = bBuild[0].split("-", 2);
        int order = compareIdentifiers(aPre[0].split("\\."), bPre[0].split("\\."));
        if (order != 0) {
            return order;
        }
        if (aPre.length != bPre.length) {
            return aPre.length == 1 ? 1 : -1; // a release is above its pre-releases
        }
        if (aPre.length == 2) {
            order = compareIdentifiers(aPre[1].split("\\."), bPre[1].split("\\."));
            if (order != 0) {
                return order;
            }
        }
        return a.compareTo(b);
    }

    private static int compareIdentifiers(String[] a, String[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int order = compareIdentifier(a[i], b[i]);
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    private static int compareIdentifier(String a, String b) {
        boolean aNumeric = isNumeric(a);
        boolean bNumeric = isNumeric(b);
        if (aNumeric && bNumeric) {
            // No leading zeros (the naming rules forbid them), so the longer number is the larger.
            return a.length() != b.length()
                    ? Integer.compare(a.length(), b.length())
                    : a.compareTo(b);
        }
        if (aNumeric != bNumeric) {
            return aNumeric ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static boolean isNumeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
