-- The sweep asks every interval whether a requeued job's backoff just ended (not_before in the last
-- interval). Without an index that is a scan of the whole queue: ~120 ms with 100,000 queued jobs
-- on the build machine, once per sweep, competing with the claims for the same cores.
-- Only requeued jobs are in it (a new job's not_before is its creation time; new jobs are
-- announced when submitted), so it stays small and is no candidate for the claim's plan.
create index job_backoff_idx on job (not_before) where state = 'queued' and not_before > created_at;
