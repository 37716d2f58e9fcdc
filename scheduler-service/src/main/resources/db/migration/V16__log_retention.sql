-- Log retention (docs/architecture.md, "Stored logs"): the logs of jobs finished longer ago than
-- crateforge.scheduler.log-retention are deleted, a batch of jobs per transaction. log_purged_at
-- says a job's log is gone (its log pages are then empty); the partial index holds only finished
-- jobs whose log is still there, in the order the retention takes them.
alter table job add column log_purged_at timestamptz;
create index job_log_retention_idx on job (finished_at)
    where finished_at is not null and log_purged_at is null;
