create table if not exists ingested_files (
    sha256 varchar primary key,
    file_name varchar,
    file_path varchar,
    size_bytes bigint,
    kind varchar,
    encoding varchar,
    sheets varchar[],
    exported_at timestamp,
    snapshot_at timestamp,
    snapshot_source varchar,        -- export_line | newest_date | file_mtime
    rows_read bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    rows_duplicate bigint,
    rows_skipped bigint,            -- blank lines, footers, repeated header rows (not data)
    status varchar,                 -- loaded | rejected
    message varchar,
    unknown_columns varchar[],
    personal_columns_dropped varchar[],
    shadowed_columns varchar[],
    unresolved_agencies json,
    flags json,
    reason_counts json,
    examples json,                  -- rejected files: a few rows per reason (their rows are not kept)
    columns json,                   -- canonical column -> coarse form of its values (schema drift)
    family varchar,                 -- file name without digits: exports of one source
    file_seq bigint,
    run_id varchar,
    ingested_at timestamp
);

-- added in 0.3.0: canonical columns the file has no header for (their values are unknown)
alter table ingested_files add column if not exists missing_columns varchar[];

-- added after 0.5.0: where the values of a column the file lacks came from (the unit from the title
-- block, `tthc run --unit` or the setting folder_units; the received date from "Ngày nộp")
alter table ingested_files add column if not exists column_sources json;
