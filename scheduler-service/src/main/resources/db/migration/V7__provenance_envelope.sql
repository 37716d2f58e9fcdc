-- The SLSA provenance (an in-toto statement in a DSSE envelope, as JSON) of a succeeded job whose
-- builder sent one; null for builders that predate it.
ALTER TABLE job ADD COLUMN provenance_envelope text;
