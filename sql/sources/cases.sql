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

-- added in 0.3.0: the unit of the registry (communes.unit_key) the agency resolved to, valid on
-- the received date; filled for rows loaded before by staging/migrate_unit_keys.sql
alter table cases add column if not exists unit_key varchar;

-- added in 0.6.0: the statutory due day of a case exported without a due time (working-day calendar
-- and statutory times of schemas/, macros/statutory_due.sql), and the supplement request date an
-- export may carry (Ngày yêu cầu bổ sung, OpenCPS correctingDate) for the 766 progress score
alter table cases add column if not exists statutory_due_at timestamp;
alter table cases add column if not exists supplement_requested_at timestamp;
-- added in 0.6.0: the online filing date (Ngày nộp hồ sơ, OpenCPS submitDate), never a figure of ours;
-- reconciliation reads it to explain systems that count a case from its filing (reconcile_between)
alter table cases add column if not exists filed_at timestamp;
