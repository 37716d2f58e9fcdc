-- The transactional outbox: every record the scheduler publishes is written here in the transaction of
-- the change that caused it, and relayed to Kafka (then deleted) by dev.crateforge.scheduler.outbox.
create table outbox (
    id         bigint generated always as identity primary key,
    -- hash of the key modulo 16: a relay takes whole shards, so one key's records leave in order.
    shard      smallint    not null check (shard between 0 and 15),
    topic      text        not null,
    key        text,
    payload    bytea       not null,
    created_at timestamptz not null default now()
);

create index outbox_shard_idx on outbox (shard, id);

-- One row per shard: a relay pass locks the shards it sends (FOR UPDATE SKIP LOCKED).
create table outbox_shard (
    shard smallint primary key
);

insert into outbox_shard (shard) select generate_series(0, 15);
