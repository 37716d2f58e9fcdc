-- A builder's concurrency limit travels with its request: the claim assigns no more than the limit
-- minus the attempts the builder holds (counted over job_live_builder_idx).
alter table job_request add column concurrency_limit integer check (concurrency_limit > 0);
create index job_live_builder_idx on job (builder_id) where state in ('assigned', 'running');

-- Whose fault a failure was: the FailureCode wire name of the failure, and how many times the job was
-- requeued for failures that were not the crate's (they have their own cap).
alter table job add column failure_code text;
alter table job add column infrastructure_retries integer not null default 0;

-- Gateway processes by their heartbeats: an instance whose heartbeat is older than its lease, or whose
-- pod started a newer instance, is retired and its connections are treated as disconnected.
create table gateway_instance (
    gateway_instance text primary key,
    pod              text        not null,
    started_at       timestamptz not null,
    lease_seconds    integer     not null,
    last_seen_at     timestamptz not null,
    retired_at       timestamptz
);

create index gateway_instance_pod_idx on gateway_instance (pod, started_at);
create index builder_connection_gateway_idx on builder_connection (gateway_instance)
    where disconnected_at is null;
create index job_request_gateway_idx on job_request (gateway_instance);
create index job_gateway_idx on job (gateway_instance) where state in ('assigned', 'running');

-- What operators changed on a job (today: the source URL), who and when.
create table job_history (
    job_id    uuid        not null references job (id) on delete cascade,
    at        timestamptz not null default now(),
    actor     text        not null,
    field     text        not null,
    old_value text,
    new_value text
);

create index job_history_job_idx on job_history (job_id, at);

-- Stage changes of each attempt, shown beside the log in order.
create table job_stage (
    job_id  uuid        not null references job (id) on delete cascade,
    attempt integer     not null,
    seq     bigint      not null,
    stage   text        not null,
    at      timestamptz not null default now(),
    primary key (job_id, attempt, seq)
);
