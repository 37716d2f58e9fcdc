-- A queued job's ETA needs the typical duration of its target and kind: the median of the last
-- finished jobs of both (QueueStatistics). Without this index that is a sort of every finished job
-- of the target on each look at a queued job.
create index job_finished_target_kind_idx on job (target, kind, finished_at desc)
    where state in ('succeeded', 'failed');
