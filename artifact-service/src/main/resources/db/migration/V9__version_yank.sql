-- The latest yank state the scheduler's registry intake announced per registry and version
-- (VersionYankChanged on crateforge.version-yanks.v1). Kept per version, not only on the artifacts,
-- because a yank may arrive before the version's first artifact: an artifact stored later takes
-- its `yanked` from here. `changed_at` is the scheduler's time of the change; an older record (a
-- resend or replay) never overwrites a newer one.
CREATE TABLE version_yank (
    registry   varchar(64)  NOT NULL,
    crate      varchar(64)  NOT NULL,
    version    varchar(128) NOT NULL,
    yanked     boolean      NOT NULL,
    changed_at timestamptz  NOT NULL,
    updated_at timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (registry, crate, version)
);
