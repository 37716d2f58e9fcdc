package dev.crateforge.scheduler.assignment;

import dev.crateforge.messaging.outbox.AfterCommit;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Wakes the waiting requests when work appears, without polling: a transaction that queues a job
 * calls {@link #jobsQueued()}, which sends a PostgreSQL {@code NOTIFY} delivered at commit to every
 * replica's {@code LISTEN} connection, and also wakes this replica directly. One worker thread per
 * replica then serves the waiting requests; signals that arrive while it works coalesce into one
 * more pass.
 */
@ApplicationScoped
public class WorkSignal {

    /** The PostgreSQL notification channel. */
    public static final String CHANNEL = "crateforge_scheduler_work";

    /** Waiting requests served per transaction by the matcher. */
    static final int SERVE_CHUNK = 200;

    private final AssignmentService assignments;
    private final AfterCommit afterCommit;
    private final EntityManager em;
    private final AgroalDataSource dataSource;

    /** Marks a transaction that already sent the notification. */
    private static final Object NOTIFIED = new Object();

    private final TransactionSynchronizationRegistry transactions;
    private final BlockingQueue<Boolean> wakeups = new ArrayBlockingQueue<>(1);
    private volatile boolean running;
    private Thread worker;
    private Thread listener;

    public WorkSignal(
            AssignmentService assignments,
            AfterCommit afterCommit,
            EntityManager em,
            AgroalDataSource dataSource,
            TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
        this.assignments = assignments;
        this.afterCommit = afterCommit;
        this.em = em;
        this.dataSource = dataSource;
    }

    void start(@Observes StartupEvent event) {
        running = true;
        worker = daemon("scheduler-matcher", this::work);
        listener = daemon("scheduler-listen", this::listen);
        // Requests stored before a restart wait for a job that may already be queued.
        wake();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (worker != null) {
            worker.interrupt();
        }
        if (listener != null) {
            listener.interrupt();
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Call inside the transaction that queued a job: every replica hears of it once it commits. A
     * transaction that queues or frees many (a batch of records) notifies once: the statement is a
     * round trip that also flushes Hibernate's session, and PostgreSQL would fold the repeats into
     * one notification anyway.
     */
    public void jobsQueued() {
        if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
            if (transactions.getResource(NOTIFIED) != null) {
                return;
            }
            transactions.putResource(NOTIFIED, Boolean.TRUE);
        }
        em.createNativeQuery("select pg_notify('" + CHANNEL + "', '')").getSingleResult();
        afterCommit.run(this::wake);
    }

    /** Asks the matcher for one more pass over the waiting requests. */
    public void wake() {
        wakeups.offer(Boolean.TRUE);
    }

    private void work() {
        while (running) {
            try {
                wakeups.take();
                serveAll();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                Log.error("Serving waiting requests failed; next signal retries", e);
            }
        }
    }

    private void serveAll() {
        List<String> waiting = assignments.waitingConnections();
        int assigned = 0;
        // Oldest first, a chunk of requests per transaction (one claim statement per chunk).
        for (int from = 0; from < waiting.size(); from += SERVE_CHUNK) {
            if (!running) {
                return;
            }
            assigned +=
                    assignments.serveWaiting(
                            waiting.subList(from, Math.min(waiting.size(), from + SERVE_CHUNK)));
        }
        if (assigned > 0) {
            Log.debugf("Served %d job(s) to %d waiting request(s)", assigned, waiting.size());
        }
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                connection.setAutoCommit(true);
                statement.execute("LISTEN " + CHANNEL);
                PGConnection pg = connection.unwrap(PGConnection.class);
                // A notification sent while we were not listening is lost: one pass covers it.
                wake();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(2_000);
                    if (notifications != null && notifications.length > 0) {
                        wake();
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                Log.warnf("LISTEN connection failed (%s); reconnecting", e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }
}
