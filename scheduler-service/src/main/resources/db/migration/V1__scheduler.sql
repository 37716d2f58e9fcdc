-- The scheduler's own schema: jobs, their logs and artifacts, who is online, and who waits for work.

create table job (
    id                 uuid primary key,
    crate              text        not null,
    version            text        not null,
    source_url         text        not null,
    source_sha256      text        not null check (source_sha256 ~ '^[0-9a-f]{64}$'),
    target             text        not null,
    -- ArtifactKind wire names; a new kind is a new migration widening this check.
    kind               text        not null check (kind in ('metadata', 'binary')),
    priority           integer     not null default 0,
    -- Round-robin turn between crates (see docs/scheduler.md): each crate's next queued job gets the
    -- next turn, so one crate's flood of versions is interleaved with every other crate's work.
    fair_turn          bigint      not null default 0,
    state              text        not null check (state in ('queued', 'assigned', 'running', 'succeeded', 'failed', 'cancelled')),
    attempt            integer     not null default 1 check (attempt between 1 and 1000),
    max_attempts       integer     not null check (max_attempts between 1 and 1000),
    builder_id         uuid,
    connection_id      text,
    gateway_instance   text,
    lease_expires_at   timestamptz,
    -- A requeued job waits for its backoff to pass before it can be claimed again.
    not_before         timestamptz not null default now(),
    disconnected_at    timestamptz,
    stage              text,
    failure_reason     text,
    log_bytes          bigint      not null default 0,
    log_truncated      boolean     not null default false,
    -- A completion waiting for its artifact records (they travel on another topic).
    pending_completion text,
    completion_seen_at timestamptz,
    statement          text,
    signature          text,
    builder_public_key text,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    assigned_at        timestamptz,
    started_at         timestamptz,
    finished_at        timestamptz,
    constraint job_identity unique (crate, version, source_sha256, target, kind)
);

-- The claim query walks this index in order and skips rows other replicas hold.
create index job_claim_idx on job (priority desc, fair_turn, created_at) where state = 'queued';
-- Turn bookkeeping at submission.
create index job_crate_turn_idx on job (crate, fair_turn) where state = 'queued';
create index job_turn_idx on job (fair_turn) where state = 'queued';
-- The lease sweep.
create index job_lease_idx on job (lease_expires_at) where state in ('assigned', 'running');
create index job_connection_idx on job (connection_id) where state in ('assigned', 'running');
create index job_state_created_idx on job (state, created_at);
create index job_builder_idx on job (builder_id, created_at);
create index job_crate_idx on job (crate, created_at);

create table job_log (
    job_id     uuid        not null references job (id) on delete cascade,
    attempt    integer     not null,
    seq        bigint      not null,
    stream     text        not null,
    line       text        not null,
    created_at timestamptz not null default now(),
    primary key (job_id, attempt, seq)
);

create table job_artifact (
    job_id    uuid        not null references job (id) on delete cascade,
    attempt   integer     not null,
    kind      text        not null,
    sha256    text        not null,
    size      bigint      not null,
    stored_at timestamptz not null,
    primary key (job_id, attempt, kind)
);

create table builder_connection (
    connection_id    text primary key,
    builder_id       uuid        not null,
    builder_name     text        not null,
    gateway_instance text        not null,
    connected_at     timestamptz not null,
    -- Kept for a while after the close so that a late request of a gone connection is refused.
    disconnected_at  timestamptz
);

create index builder_connection_builder_idx on builder_connection (builder_id);

create table job_request (
    connection_id    text primary key,
    builder_id       uuid        not null,
    gateway_instance text        not null,
    targets          text[]      not null,
    free_slots       integer     not null check (free_slots > 0),
    requested_at     timestamptz not null,
    received_at      timestamptz not null default now()
);

create index job_request_age_idx on job_request (requested_at);
