create table if not exists quarantine (
    run_id varchar,
    source_file varchar,
    source_sha256 varchar,
    source_sheet varchar,
    source_row bigint,
    case_id varchar,
    commune_code varchar,           -- when the row's agency resolved to a commune
    reasons varchar[],
    reason_text varchar,
    raw_values json
);

-- added in 0.3.0
alter table quarantine add column if not exists unit_key varchar;
