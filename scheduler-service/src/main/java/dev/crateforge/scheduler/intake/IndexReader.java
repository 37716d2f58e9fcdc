package dev.crateforge.scheduler.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * A registry's git index through JGit: a bare clone on this replica's disk, fetched from the
 * registry, read as commits, file changes between two commits and file contents. It knows nothing
 * of versions or jobs. Not thread-safe: one poll of its registry uses it at a time.
 */
final class IndexReader implements AutoCloseable {

    /** The largest crate file read; the biggest real ones are a few megabytes. */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    /** A file that differs between two commits; a side where it does not exist is null. */
    record FileChange(String path, String crate, ObjectId oldBlob, ObjectId newBlob) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String remote;
    private final Optional<CredentialsProvider> credentials;
    private final Repository repository;

    IndexReader(String remote, Path clone) {
        this(remote, clone, Optional.empty());
    }

    /**
     * @param credentials what a private index over HTTP(S) asks for (basic authentication); JGit
     *     sends them only when the host answers 401
     */
    IndexReader(String remote, Path clone, Optional<CredentialsProvider> credentials) {
        this.remote = remote;
        this.credentials = credentials;
        try {
            Files.createDirectories(clone);
            this.repository =
                    new FileRepositoryBuilder().setGitDir(clone.toFile()).setBare().build();
            if (!repository.getObjectDatabase().exists()) {
                repository.create(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the index clone at " + clone, e);
        }
    }

    /**
     * Fetches every branch of the registry (a squashing registry keeps its old history on a branch
     * of its own, which lets the old cursor's tree stay readable) and returns the commit the
     * registry's HEAD points at.
     */
    ObjectId fetch(Duration timeout) {
        try {
            FetchResult result =
                    Git.wrap(repository)
                            .fetch()
                            .setRemote(remote)
                            .setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/origin/*"))
                            .setTimeout((int) Math.max(1, timeout.toSeconds()))
                            .setCredentialsProvider(credentials.orElse(null))
                            .call();
            for (String name : List.of(Constants.HEAD, "refs/heads/master", "refs/heads/main")) {
                Ref ref = result.getAdvertisedRef(name);
                if (ref != null && ref.getObjectId() != null) {
                    return ref.getObjectId();
                }
            }
            throw new IllegalStateException("the index advertises no HEAD, master or main");
        } catch (GitAPIException e) {
            throw new IllegalStateException("fetching the index failed: " + e.getMessage(), e);
        }
    }

    /** Whether the clone holds {@code id} as a commit. */
    boolean hasCommit(ObjectId id) {
        try (RevWalk walk = new RevWalk(repository)) {
            RevObject object = walk.parseAny(id);
            return object instanceof RevCommit;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code ancestor} is in the history of {@code head}. */
    boolean isAncestor(ObjectId ancestor, ObjectId head) {
        try (RevWalk walk = new RevWalk(repository)) {
            return walk.isMergedInto(walk.parseCommit(ancestor), walk.parseCommit(head));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The commits after {@code cursor} up to {@code head}, oldest first, along first parents (an
     * index is a line of commits; a merge counts as one change against its first parent).
     */
    List<RevCommit> commitsAfter(ObjectId cursor, ObjectId head) {
        try (RevWalk walk = new RevWalk(repository)) {
            walk.setFirstParent(true);
            walk.sort(RevSort.TOPO);
            walk.sort(RevSort.REVERSE, true);
            walk.markStart(walk.parseCommit(head));
            walk.markUninteresting(walk.parseCommit(cursor));
            List<RevCommit> commits = new ArrayList<>();
            for (RevCommit commit : walk) {
                commits.add(commit);
            }
            return commits;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many commits {@code head} is ahead of {@code cursor} (0 when equal or not related). */
    int lag(ObjectId cursor, ObjectId head) {
        if (cursor.equals(head) || !hasCommit(cursor) || !isAncestor(cursor, head)) {
            return 0;
        }
        return commitsAfter(cursor, head).size();
    }

    /** The first parent of a commit, or empty for a root commit. */
    Optional<ObjectId> parent(RevCommit commit) {
        return commit.getParentCount() == 0
                ? Optional.empty()
                : Optional.of(commit.getParent(0).getId());
    }

    /**
     * The crate files that differ between two commits; {@code from} empty means the empty tree (all
     * files are new). Files outside Cargo's layout ({@code config.json}, READMEs, CI files) are
     * left out.
     */
    List<FileChange> changedCrateFiles(Optional<ObjectId> from, ObjectId to) {
        List<FileChange> changes = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repository);
                TreeWalk tree = new TreeWalk(repository)) {
            tree.setRecursive(true);
            if (from.isPresent()) {
                tree.addTree(walk.parseCommit(from.get()).getTree());
            } else {
                tree.addTree(new EmptyTreeIterator());
            }
            tree.addTree(walk.parseCommit(to).getTree());
            tree.setFilter(TreeFilter.ANY_DIFF);
            while (tree.next()) {
                String path = tree.getPathString();
                String crate = path.substring(path.lastIndexOf('/') + 1);
                if (!isCrateFile(path, crate)) {
                    continue;
                }
                changes.add(new FileChange(path, crate, blob(tree, 0), blob(tree, 1)));
            }
            return changes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The bytes of a blob.
     *
     * @throws IllegalArgumentException if it is over {@link #MAX_FILE_BYTES}
     */
    byte[] read(ObjectId blob) {
        try {
            ObjectLoader loader = repository.open(blob, Constants.OBJ_BLOB);
            if (loader.getSize() > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(
                        "file of " + loader.getSize() + " bytes is over " + MAX_FILE_BYTES);
            }
            return loader.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code dl} template of {@code config.json} at a commit. */
    DownloadUrlTemplate downloadTemplate(ObjectId commit) {
        try (RevWalk walk = new RevWalk(repository);
                TreeWalk config =
                        TreeWalk.forPath(
                                repository, "config.json", walk.parseCommit(commit).getTree())) {
            if (config == null) {
                throw new IllegalStateException("the index has no config.json");
            }
            JsonNode dl = JSON.readTree(read(config.getObjectId(0))).get("dl");
            if (dl == null || !dl.isTextual() || dl.textValue().isBlank()) {
                throw new IllegalStateException("config.json has no 'dl' template");
            }
            return new DownloadUrlTemplate(dl.textValue());
        } catch (IOException e) {
            throw new IllegalStateException("config.json is unreadable: " + e.getMessage(), e);
        }
    }

    /** A file is a crate's when its path is the prefix path of its own (lowercase) name. */
    private static boolean isCrateFile(String path, String crate) {
        if (crate.isEmpty() || !crate.equals(crate.toLowerCase(Locale.ROOT))) {
            return false;
        }
        return path.equals(DownloadUrlTemplate.prefix(crate) + "/" + crate);
    }

    private static ObjectId blob(TreeWalk tree, int index) {
        ObjectId id = tree.getObjectId(index);
        return ObjectId.zeroId().equals(id) ? null : id;
    }

    @Override
    public void close() {
        repository.close();
    }
}
