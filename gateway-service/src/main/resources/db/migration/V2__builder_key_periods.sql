-- Every period in which a builder key was enabled, kept after the builder is disabled or deleted, so that
-- provenance it signed stays checkable: published at /api/v1/builder-keys with the period's bounds.
create table builder_key_period (
    id          bigserial    primary key,
    builder_id  uuid         not null,
    -- OpenSSH public key line without comment, as in builder.public_key.
    public_key  text         not null,
    fingerprint varchar(64)  not null,
    valid_from  timestamptz  not null,
    -- Null while the key is enabled.
    valid_until timestamptz,
    constraint builder_key_period_order check (valid_until is null or valid_until >= valid_from)
);
create unique index builder_key_period_open on builder_key_period (builder_id) where valid_until is null;

-- Builders registered before this table: enabled ones are valid from their registration on; for disabled
-- ones the time they were disabled is unknown, so their period ends now.
insert into builder_key_period (builder_id, public_key, fingerprint, valid_from, valid_until)
select id, public_key, fingerprint, created_at, case when enabled then null else greatest(created_at, now()) end
from builder;
