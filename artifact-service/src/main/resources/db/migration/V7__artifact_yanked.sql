-- Whether the registry yanked the crate version an artifact was built from. Nothing sets it yet: the
-- registry intake will (for every artifact of a yanked version); until then every artifact reads false.
-- The per-crate index (/dl/{registry}/{name}/index.json) reports it per version.
ALTER TABLE artifact ADD COLUMN yanked boolean NOT NULL DEFAULT false;
