-- Independent rebuilds (docs/architecture.md, "Independent rebuilds"): a job that must be reproduced is
-- built `reproduce` times, each build a job row of its own (its own attempts, token, log and artifacts)
-- sharing `reproduction_group` (the first build's id). `replica` numbers the builds from 0; the first
-- build keeps the job's identity, the others differ from it only in their replica.
alter table job add column reproduce smallint not null default 1 check (reproduce between 1 and 5);
alter table job add column replica smallint not null default 0 check (replica between 0 and 4);
alter table job add column reproduction_group uuid;
-- What the builds came to (ReproductionVerdict wire names), kept on every build so that each state record
-- carries it; `reproduction_released`: an operator published this build although the builds disagreed.
alter table job add column reproduction_verdict text
    check (reproduction_verdict in ('pending', 'reproduced', 'disagreed', 'incomplete', 'failed'));
alter table job add column reproduction_released boolean not null default false;
alter table job drop constraint job_identity;
alter table job add constraint job_identity unique (crate, version, source_sha256, target, kind, replica);
create index job_reproduction_group_idx on job (reproduction_group) where reproduction_group is not null;
-- Groups whose verdict is still open: the settle sweep's look-up.
create index job_reproduction_pending_idx on job (reproduction_group)
    where replica = 0 and reproduction_verdict = 'pending';

-- How each settled group came out: every build's outcome and digests (JSON), and operator decisions.
create table reproduction_settlement (
    group_id    uuid        primary key references job (id) on delete cascade,
    verdict     text        not null,
    builds      jsonb       not null,
    settled_at  timestamptz not null default now(),
    released_job uuid,
    released_by text,
    released_at timestamptz
);

-- Each builder's record in reproductions: agreed, disagreed with the majority, no result. Past the
-- configured number of disagreements a builder is quarantined: it gets no jobs until an operator clears it.
create table builder_reputation (
    builder_id        uuid        primary key,
    agreed            integer     not null default 0,
    disagreed         integer     not null default 0,
    no_result         integer     not null default 0,
    quarantined_at    timestamptz,
    quarantine_reason text,
    cleared_at        timestamptz,
    cleared_by        text,
    updated_at        timestamptz not null default now()
);

-- The claim's second look (JobClaimRepository) asks whether a claimable job avoids some builder or belongs
-- to a reproduction: both kinds, and nothing else, are in one partial index.
drop index job_avoiding_idx;
create index job_second_look_idx on job (target)
    where state = 'queued' and (avoid_until is not null or reproduction_group is not null);

-- An operator's reproduction policy per crate: how many builds its jobs get unless a submission says
-- (it wins over the registry's `reproduce` and the deployment's default).
create table crate_reproduction (
    crate      text        primary key,
    builds     smallint    not null check (builds between 1 and 5),
    updated_by text        not null,
    updated_at timestamptz not null default now()
);

-- Who runs a builder, when its operator registered an owner at the gateway (JobRequested.owner): kept with
-- the waiting request and on the job its builder holds or held, so that the builds of one reproduction
-- never go to two builders of one owner.
alter table job_request add column owner text;
alter table job add column builder_owner text;
