create table if not exists runs (
    run_id varchar primary key,
    started_at timestamp,
    finished_at timestamp,
    status varchar,                 -- running | succeeded | failed
    files_seen integer,
    files_loaded integer,
    files_skipped integer,
    files_rejected integer,
    rows_read bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    rows_duplicate bigint,
    as_of timestamp,                -- "now" used for in-progress cases of the materialised periods
    code_version varchar,
    message varchar
);

-- added in 0.2.0: a warehouse built before keeps its rows; its runs have no rules hash, so the
-- next run rebuilds every period
alter table runs add column if not exists rules_hash varchar;
alter table runs add column if not exists build_mode varchar;

-- added after 0.5.0: rows of rejected files (rows_read = loaded + quarantined + duplicate + rejected),
-- and what the figures depend on besides the files (a run with nothing new publishes nothing)
alter table runs add column if not exists rows_rejected bigint;
alter table runs add column if not exists context_hash varchar;
