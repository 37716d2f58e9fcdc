package dev.crateforge.artifact.repository;

import dev.crateforge.protocol.job.ReproductionVerdict;
import dev.crateforge.protocol.kafka.Reproduction;
import dev.crateforge.protocol.ssh.RawSignatures;
import dev.crateforge.protocol.ssh.SshFormatException;
import dev.crateforge.protocol.ssh.SshKeyType;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Stored artifacts, and the queries that decide which one a download gets. */
@ApplicationScoped
public class ArtifactRepository implements PanacheRepository<StoredArtifact> {

    /**
     * JPQL: the job {@code j} may be served on the public paths: built once, or one of several
     * builds that agreed, or released by an operator (the SQL form of {@code
     * Reproduction.publishable()}).
     */
    static final String PUBLISHABLE =
            " and (j.reproductionVerdict is null or j.reproductionVerdict = 'reproduced'"
                    + " or j.reproductionReleased = true)";

    /** The artifact one attempt of a job stored for a kind. */
    public Optional<StoredArtifact> findOfAttempt(UUID jobId, int attempt, String kind) {
        return find(
                        "jobId = :job and attempt = :attempt and kind = :kind",
                        Parameters.with("job", jobId).and("attempt", attempt).and("kind", kind))
                .firstResultOptional();
    }

    /**
     * The artifact of a job for a kind: the one of the attempt that succeeded if the job did,
     * otherwise the one of the latest attempt that stored one.
     */
    public Optional<StoredArtifact> findOfJob(UUID jobId, String kind) {
        return find(
                        "select a from StoredArtifact a where a.jobId = :job and a.kind = :kind"
                                + " order by (case when exists (select 1 from JobAttempt j"
                                + " where j.jobId = a.jobId and j.attempt = a.attempt"
                                + " and j.state = 'succeeded') then 0 else 1 end), a.attempt desc",
                        Parameters.with("job", jobId).and("kind", kind))
                .firstResultOptional();
    }

    /**
     * The artifact of the most recent successful build of a crate version for a target whose
     * artifacts may be public.
     */
    public Optional<StoredArtifact> findLatestSucceeded(
            String crate, String version, String target, String kind) {
        return find(
                        "select a from StoredArtifact a, JobAttempt j"
                                + " where j.jobId = a.jobId and j.attempt = a.attempt"
                                + " and j.state = 'succeeded' and a.crate = :crate"
                                + " and a.version = :version and a.target = :target"
                                + " and a.kind = :kind"
                                + PUBLISHABLE
                                + " order by j.changedAt desc, a.id desc",
                        Parameters.with("crate", crate)
                                .and("version", version)
                                .and("target", target)
                                .and("kind", kind))
                .firstResultOptional();
    }

    /**
     * Every artifact of a successful, publishable build of a crate version, newest build first
     * (callers keep the first per target and kind).
     */
    public List<StoredArtifact> listSucceeded(String crate, String version) {
        return find(
                        "select a from StoredArtifact a, JobAttempt j"
                                + " where j.jobId = a.jobId and j.attempt = a.attempt"
                                + " and j.state = 'succeeded' and a.crate = :crate"
                                + " and a.version = :version"
                                + PUBLISHABLE
                                + " order by a.target, a.kind, j.changedAt desc, a.id desc",
                        Parameters.with("crate", crate).and("version", version))
                .list();
    }

    /**
     * Every artifact of a successful, publishable build of a crate, all versions, with which of the
     * build's provenance files are held and its reproduction; ordered by version, target and kind,
     * newest build first within each (the order {@link #findLatestSucceeded} picks by, so that
     * callers keeping the first of each get what a download gets). One query: the per-crate index
     * is built from it alone.
     */
    public List<SucceededArtifact> listSucceededOfCrate(String crate) {
        return getEntityManager()
                .createQuery(
                        "select a, (case when j.statement is not null and j.signature is not null"
                                + " and j.builderPublicKey is not null then true else false end),"
                                + " (case when j.provenanceEnvelope is not null then true else"
                                + " false end), j.builderPublicKey, j.reproductionGroup,"
                                + " j.reproductionBuilds, j.reproductionVerdict, j.reproductionReleased"
                                + " from StoredArtifact a, JobAttempt j"
                                + " where j.jobId = a.jobId and j.attempt = a.attempt"
                                + " and j.state = 'succeeded' and a.crate = :crate"
                                + PUBLISHABLE
                                + " order by a.version, a.target, a.kind, j.changedAt desc, a.id desc",
                        Object[].class)
                .setParameter("crate", crate)
                .getResultList()
                .stream()
                .map(ArtifactRepository::succeeded)
                .toList();
    }

    /** The artifacts the current attempts of the builds of these reproductions stored. */
    public List<StoredArtifact> listOfReproductions(Collection<UUID> groups) {
        if (groups.isEmpty()) {
            return List.of();
        }
        return find(
                        "select a from StoredArtifact a, JobAttempt j"
                                + " where j.jobId = a.jobId and j.attempt = a.attempt"
                                + " and j.reproductionGroup in :groups order by a.jobId, a.kind",
                        Parameters.with("groups", groups))
                .list();
    }

    private static SucceededArtifact succeeded(Object[] row) {
        boolean hasProvenance = (Boolean) row[1];
        return new SucceededArtifact(
                (StoredArtifact) row[0],
                hasProvenance,
                hasProvenance && (Boolean) row[2],
                hasProvenance && securesystemslibReads((String) row[3]),
                row[4] == null
                        ? null
                        : new Reproduction(
                                (UUID) row[4],
                                (Integer) row[5],
                                ReproductionVerdict.fromWireName((String) row[6]).orElseThrow(),
                                (Boolean) row[7]));
    }

    /**
     * Whether securesystemslib has a form of a key, by its OpenSSH line's type name alone (the key
     * itself was checked when its record arrived).
     */
    private static boolean securesystemslibReads(String openSshLine) {
        try {
            return RawSignatures.securesystemslibScheme(
                            SshKeyType.fromWireName(openSshLine.split(" ", 2)[0]))
                    != null;
        } catch (SshFormatException e) {
            return false;
        }
    }

    /**
     * Records an artifact unless its job attempt already stored one of that kind; the database's
     * unique constraint, not a prior read, decides, so that two concurrent uploads cannot both win.
     *
     * @return true if this call recorded it
     */
    public boolean insertIfAbsent(StoredArtifact a) {
        // Native because JPQL has no ON CONFLICT; the schema is fixed by the migrations.
        int inserted =
                getEntityManager()
                        .createNativeQuery(
                                "INSERT INTO artifact.artifact (job_id, attempt, crate, version,"
                                        + " target, kind, size, sha256, s3_key, created_at, yanked)"
                                        + " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                                        + " ON CONFLICT (job_id, attempt, kind) DO NOTHING")
                        .setParameter(1, a.jobId)
                        .setParameter(2, a.attempt)
                        .setParameter(3, a.crate)
                        .setParameter(4, a.version)
                        .setParameter(5, a.target)
                        .setParameter(6, a.kind)
                        .setParameter(7, a.size)
                        .setParameter(8, a.sha256)
                        .setParameter(9, a.s3Key)
                        .setParameter(10, a.createdAt)
                        .setParameter(11, a.yanked)
                        .executeUpdate();
        return inserted == 1;
    }
}
