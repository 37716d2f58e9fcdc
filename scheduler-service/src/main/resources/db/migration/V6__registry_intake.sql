-- Registry intake (dev.crateforge.scheduler.intake): where each followed registry's index was read up to.
-- Written in the same transaction as the jobs a poll created, so a crash at any moment neither skips nor
-- repeats a version. A row exists once a registry was polled or paused.
create table registry_cursor (
    registry         text primary key,
    -- The last index commit whose changes are all in the job table; null until the first poll.
    commit_id        text,
    -- The index head the last poll saw, and how many commits the cursor is behind it.
    head_commit      text,
    lag_commits      integer     not null default 0,
    versions_seen    bigint      not null default 0,
    jobs_created     bigint      not null default 0,
    bad_lines        bigint      not null default 0,
    last_error       text,
    last_error_at    timestamptz,
    last_poll_at     timestamptz,
    paused           boolean     not null default false,
    updated_at       timestamptz not null default now()
);

-- Versions a registry marked yanked; an unyank sets yanked back to false, so the history stays visible.
create table crate_version_yank (
    registry   text        not null,
    crate      text        not null,
    version    text        not null,
    yanked     boolean     not null,
    changed_at timestamptz not null default now(),
    primary key (registry, crate, version)
);

-- A yank's queued jobs are found by (crate, version) through the job_identity index, whose prefix that is.
