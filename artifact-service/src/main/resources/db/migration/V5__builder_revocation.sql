-- Builders an operator disabled or deleted, fed by BuilderControl.Disconnect records. A job token of a
-- builder listed here that was issued before revoked_at is refused (builder_revoked). Version 4 is the
-- outbox, shipped by the messaging module (db/outbox).
CREATE TABLE builder_revocation (
    builder_id uuid        PRIMARY KEY,
    revoked_at timestamptz NOT NULL
);
