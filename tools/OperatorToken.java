/*
 * Mints an operator token for the CrateForge admin and jobs APIs with nothing but a JDK:
 *
 *   java tools/OperatorToken.java --key operator.pem --subject alice --roles admin,submitter --hours 8
 *
 * The key is the operator's EC P-256 private key (PKCS#8 PEM, as `openssl genpkey -algorithm EC
 * -pkeyopt ec_paramgen_curve:P-256` writes it); its public half is what the services read from
 * mp.jwt.verify.publickey.location. The token (ES256, issuer crateforge-operators, roles in
 * "groups") is printed on standard output and nothing else, so that it can be captured:
 *
 *   TOKEN=$(java tools/OperatorToken.java --key operator.pem --subject alice --roles admin)
 */

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

public final class OperatorToken {

    private static final String ISSUER = "crateforge-operators";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>(Map.of("hours", "1"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                fail("unexpected argument " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0 || !options.keySet().containsAll(java.util.List.of("key", "subject", "roles"))) {
            fail("usage: java tools/OperatorToken.java --key operator.pem --subject NAME --roles admin[,submitter] [--hours N]");
        }
        String subject = options.get("subject");
        String[] roles = options.get("roles").split(",");
        long hours = Long.parseLong(options.get("hours"));
        if (hours < 1 || hours > 24 * 30 || subject.isBlank() || !subject.matches("[\\w.@-]{1,128}")) {
            fail("subject must be 1-128 word characters and hours between 1 and 720");
        }
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"ES256\",\"typ\":\"JWT\"}";
        String payload =
                "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\",\"upn\":\"" + subject + "\","
                        + "\"groups\":[" + Arrays.stream(roles).map(r -> "\"" + r.strip() + "\"").collect(Collectors.joining(",")) + "],"
                        + "\"iat\":" + now + ",\"exp\":" + (now + hours * 3600) + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
        String signingInput = encode(header) + "." + encode(payload);
        try {
            // P1363 gives the raw r||s that JWS requires, not DER.
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(readKey(Path.of(options.get("key"))));
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            System.out.println(signingInput + "." + BASE64URL.encodeToString(signer.sign()));
        } catch (Exception e) {
            fail("cannot sign with " + options.get("key") + ": " + e.getMessage());
        }
    }

    private static PrivateKey readKey(Path file) throws Exception {
        String pem = Files.readString(file);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            fail("the key must be an unencrypted PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)");
        }
        String body = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void fail(String message) {
        System.err.println("OperatorToken: " + message);
        System.exit(2);
    }
}
