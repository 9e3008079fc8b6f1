-- The warehouse's stored tables. Created once; later runs only add rows.
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

create sequence if not exists file_seq_counter start 1;

create table if not exists cases (
    case_id varchar not null,       -- unique: checked after every build (an index costs seconds per million rows)
    procedure_code varchar,
    procedure_name varchar,
    sector varchar,
    agency varchar,
    commune_code varchar,
    commune_name varchar,
    channel varchar,
    service_level varchar,
    received_at timestamp,
    due_at timestamp,
    finished_at timestamp,
    returned_at timestamp,
    status varchar,
    is_digitized boolean,
    fee_amount double,
    is_paid_online boolean,
    has_e_result boolean,
    note varchar,
    source_file varchar,
    source_sha256 varchar,
    source_sheet varchar,
    source_row bigint,
    snapshot_at timestamp,
    file_seq bigint,
    ingested_at timestamp
);

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

create table if not exists communes (
    commune_code varchar primary key,
    commune_name varchar,
    unit_type varchar,
    district_code varchar,
    district_name varchar,
    province_code varchar,
    province_name varchar,
    valid_from date,
    valid_to date,
    successor_code varchar,         -- the unit it became on 01/07/2025 (communes_2025)
    successor_name varchar,
    successor_type varchar
);

create table if not exists communes_2025 (
    commune_code varchar primary key,
    commune_name varchar,
    unit_type varchar,
    province_code varchar,
    province_name varchar,
    valid_from date
);

create table if not exists procedures (
    procedure_code varchar,
    procedure_name varchar,
    sector varchar,
    online_level varchar,           -- full | partial | none
    is_published boolean,
    admin_level varchar,            -- commune | (other levels as written, e.g. caphuyen)
    commune_code varchar            -- NULL: every commune of the level
);

create table if not exists reasons (
    reason varchar primary key,
    message varchar
);
