package dev.crateforge.messaging.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * Work that must wait until the current transaction committed: waking a relay or a claimer for rows
 * that only then become visible to other connections. Nothing runs when the transaction rolls back.
 */
@ApplicationScoped
public class AfterCommit {

    private final TransactionSynchronizationRegistry transactions;

    public AfterCommit(TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
    }

    /** Runs {@code action} after the current transaction commits, or now if there is none. */
    public void run(Runnable action) {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            action.run();
            return;
        }
        register(action);
    }

    /**
     * As {@link #run}, but once per transaction for the same {@code key}, however often it is asked
     * (a transaction that writes many outbox rows wakes the relay once).
     */
    public void runOnce(Object key, Runnable action) {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            action.run();
            return;
        }
        if (transactions.getResource(key) != null) {
            return;
        }
        transactions.putResource(key, Boolean.TRUE);
        register(action);
    }

    private void register(Runnable action) {
        transactions.registerInterposedSynchronization(
                new Synchronization() {
                    @Override
                    public void beforeCompletion() {}

                    @Override
                    public void afterCompletion(int status) {
                        if (status == Status.STATUS_COMMITTED) {
                            action.run();
                        }
                    }
                });
    }
}
