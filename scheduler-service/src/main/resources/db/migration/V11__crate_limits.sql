-- Per-crate limits an operator set; carried in every assignment of the crate. A null column leaves
-- the builder's own limit.
create table crate_limits (
    crate             text        primary key,
    memory_bytes      bigint,
    cpu_seconds       bigint,
    processes         integer,
    disk_bytes        bigint,
    log_bytes         bigint,
    no_output_seconds bigint,
    updated_by        text        not null,
    updated_at        timestamptz not null default now()
);

-- Every change of a crate's limits: who, what (the limits after it, null when removed), when.
create table crate_limits_change (
    id         bigserial   primary key,
    crate      text        not null,
    actor      text        not null,
    action     text        not null check (action in ('set', 'removed')),
    limits     text,
    changed_at timestamptz not null default now()
);

create index crate_limits_change_crate_idx on crate_limits_change (crate, id);
