-- The queue-depth gauges count live jobs by (state, target) every few seconds. Finished jobs
-- accumulate forever; this index holds only the live ones, so the count does not grow with history.
create index job_live_state_target_idx on job (state, target)
    where state in ('queued', 'assigned', 'running');
