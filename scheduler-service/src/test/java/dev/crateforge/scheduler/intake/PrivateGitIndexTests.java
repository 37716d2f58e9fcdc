package dev.crateforge.scheduler.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crateforge.localstack.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A private git index over HTTP, as a git host serves one: fetched with the configured user name
 * and password, refused without them, and the password in no error message.
 */
class PrivateGitIndexTests {

    private static final String PASSWORD = "git-index-password-7c2e";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Path dir;
    private LocalRegistry registry;

    @BeforeEach
    void privateIndex() throws Exception {
        dir = Files.createTempDirectory("crateforge-private-git-index");
        registry = LocalRegistry.create(dir);
        registry.publish("in-private", "1.0.0");
        registry.requireGitCredentials("deploy", PASSWORD);
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private IndexReader reader(String clone, Optional<String> password) {
        return new IndexReader(
                registry.gitIndexUrl(),
                dir.resolve(clone),
                password.map(p -> new UsernamePasswordCredentialsProvider("deploy", p)));
    }

    @Test
    void theIndexIsFetchedWithItsCredentials() {
        ObjectId head = reader("with-credentials.git", Optional.of(PASSWORD)).fetch(TIMEOUT);

        assertThat(head.name()).isEqualTo(registry.head());
    }

    @Test
    void withoutCredentialsTheFetchFailsWithAClearMessage() {
        assertThatThrownBy(() -> reader("without.git", Optional.empty()).fetch(TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("fetching the index failed")
                .hasMessageContaining("Authentication is required");
    }

    @Test
    void aWrongPasswordFailsAndIsNotRepeatedInTheMessage() {
        String wrong = "not-the-password-19f3";

        assertThatThrownBy(() -> reader("wrong.git", Optional.of(wrong)).fetch(TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("fetching the index failed")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong, PASSWORD));
    }

    @Test
    void aPublicIndexOverHttpNeedsNoCredentials() {
        registry.requireGitCredentials(null, null);

        ObjectId head = reader("public.git", Optional.empty()).fetch(TIMEOUT);

        assertThat(head.name()).isEqualTo(registry.head());
    }

    @Test
    void anIndexUrlThatCarriesCredentialsIsRecognised() {
        assertThat(IntakeTimer.hasUserInfo("https://deploy:secret@git.example/index.git")).isTrue();
        assertThat(IntakeTimer.hasUserInfo("https://token@git.example/index.git")).isTrue();
        assertThat(IntakeTimer.hasUserInfo("https://git.example/index.git")).isFalse();
        assertThat(IntakeTimer.hasUserInfo("/srv/registry/index")).isFalse();
    }
}
