-- The latest known state of each job, fed by JobStateChanged records from the scheduler. It answers
-- "is this attempt still live?" for uploads and "which build of a crate succeeded?" for downloads.
CREATE TABLE job_attempt (
    job_id             uuid         PRIMARY KEY,
    attempt            integer      NOT NULL CHECK (attempt BETWEEN 1 AND 1000),
    state              varchar(16)  NOT NULL,
    builder_id         uuid,
    crate              varchar(64)  NOT NULL,
    version            varchar(128) NOT NULL,
    target             varchar(100) NOT NULL,
    kind               varchar(32)  NOT NULL,
    statement          text,
    signature          text,
    builder_public_key text,
    changed_at         timestamptz  NOT NULL,
    updated_at         timestamptz  NOT NULL
);

CREATE INDEX job_attempt_succeeded_idx ON job_attempt (crate, version, target, changed_at DESC)
    WHERE state = 'succeeded';

-- One row per stored artifact. A row exists only once its bytes are in S3 and their SHA-256 checked
-- out: the row, not the object, is what makes an artifact visible.
CREATE TABLE artifact (
    id         bigserial    PRIMARY KEY,
    job_id     uuid         NOT NULL,
    attempt    integer      NOT NULL CHECK (attempt BETWEEN 1 AND 1000),
    crate      varchar(64)  NOT NULL,
    version    varchar(128) NOT NULL,
    target     varchar(100) NOT NULL,
    kind       varchar(32)  NOT NULL,
    size       bigint       NOT NULL CHECK (size >= 0),
    sha256     char(64)     NOT NULL,
    s3_key     varchar(1024) NOT NULL UNIQUE,
    created_at timestamptz  NOT NULL,
    CONSTRAINT artifact_once_per_attempt UNIQUE (job_id, attempt, kind)
);

CREATE INDEX artifact_crate_idx ON artifact (crate, version, target, kind);
