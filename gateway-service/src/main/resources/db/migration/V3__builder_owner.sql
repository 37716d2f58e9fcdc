-- Who runs a builder, when the operator says: the independent builds of one reproduction never go to two
-- builders of one owner (the scheduler compares it). Null: not known.
alter table builder add column owner varchar(128);
