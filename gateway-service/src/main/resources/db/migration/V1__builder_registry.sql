-- The builder registry: who may connect, with which key, for which targets.
create table builder (
    id                  uuid primary key,
    name                varchar(128) not null,
    -- OpenSSH public key line without comment, exactly as it verifies signatures.
    public_key          text         not null,
    key_type            varchar(64)  not null,
    -- SHA256:... as ssh-keygen -lf prints it; what Hello carries.
    fingerprint         varchar(64)  not null,
    enabled             boolean      not null,
    -- Empty means every target.
    allowed_targets     text[]       not null default '{}',
    max_concurrent_jobs integer      not null check (max_concurrent_jobs between 1 and 64),
    created_at          timestamptz  not null,
    last_seen_at        timestamptz,
    constraint builder_fingerprint_unique unique (fingerprint)
);
