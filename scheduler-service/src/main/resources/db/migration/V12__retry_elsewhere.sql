-- A job whose attempt was lost to a builder's fault (a failure that was not the crate's, an expired
-- lease, a builder gone) waits until avoid_until for a builder not in avoid_builder_ids; after that any
-- builder may take it (docs/scheduler.md, "Retries go elsewhere"). Both are metadata-only changes.
alter table job add column avoid_builder_ids uuid[] not null default '{}';
alter table job add column avoid_until timestamptz;

-- The priority the submitter or an operator asked for, once a retry has lowered the job's priority
-- (null: the same as priority). A retried job queues one below it, however often it is retried.
alter table job add column requested_priority integer;

-- The claim's second look, for requests of several builders at once: are there queued jobs some of
-- them must not take? Only retried jobs are in this index.
create index job_avoiding_idx on job (target) where state = 'queued' and avoid_until is not null;
