-- The SLSA provenance of a succeeded job (an in-toto statement in a DSSE envelope, compact JSON), when
-- its builder sent one; served beside the SSHSIG statement.
ALTER TABLE job_attempt ADD COLUMN provenance_envelope text;
