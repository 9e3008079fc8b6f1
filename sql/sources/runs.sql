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
