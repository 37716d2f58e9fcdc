-- A job's part in a reproduction (JobStateChanged.reproduction): the same build handed to `builds`
-- builders whose artifacts must agree. Columns of job_attempt, not a table of their own: the scheduler
-- sends the reproduction on every record of the job, it is replaced with the latest state under the
-- same forward rule, and every public query already joins job_attempt, so withholding an artifact is
-- one more predicate and no other join. All null for a job built once.
-- `reproduction_at` is the scheduler's time of the record the reproduction came with: a record of the
-- same attempt and state with a later time and another reproduction (a new verdict) replaces it, an
-- older one or a replay changes nothing. `changed_at` keeps the time of the state change, so a new
-- verdict does not make a build newer than it is.
ALTER TABLE job_attempt
    ADD COLUMN reproduction_group    uuid,
    ADD COLUMN reproduction_builds   integer CHECK (reproduction_builds BETWEEN 2 AND 5),
    ADD COLUMN reproduction_verdict  varchar(16),
    ADD COLUMN reproduction_released boolean,
    ADD COLUMN reproduction_at       timestamptz,
    ADD CONSTRAINT job_attempt_reproduction_whole CHECK (
        (reproduction_group IS NULL) = (reproduction_verdict IS NULL)
        AND (reproduction_group IS NULL) = (reproduction_builds IS NULL)
        AND (reproduction_group IS NULL) = (reproduction_released IS NULL));

CREATE INDEX job_attempt_reproduction_group_idx ON job_attempt (reproduction_group)
    WHERE reproduction_group IS NOT NULL;

-- The comparison of the outputs of a reproduction whose builds disagreed, computed off the consumer
-- thread from the artifacts in S3. `inputs` is the SHA-256 of what it compared (each member's job,
-- attempt, state and artifact digests): a replayed verdict with the same inputs recomputes nothing.
CREATE TABLE reproduction_comparison (
    reproduction_group uuid        PRIMARY KEY,
    inputs             char(64)    NOT NULL,
    comparison         text        NOT NULL,
    computed_at        timestamptz NOT NULL
);
