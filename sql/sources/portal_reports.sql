-- One row per report file × unit it reports on: a one-stop system's Biểu 06 or the portal's 766
-- figures (their figures, read beside the case exports). Filled by staging/load_portal_figures.sql.
create table if not exists portal_reports (
    source_sha256 varchar,
    source_file varchar,
    system varchar,                 -- tandan | dvcqg | NULL (a form any system may write)
    form varchar,                   -- bieu06 | 766
    layout varchar,
    unit_key varchar,               -- NULL: a unit the registry does not know (a province, a department)
    unit_name varchar,
    period varchar,
    period_start date,
    period_end date,
    exported_at timestamp,
    exported_source varchar,        -- export_line | file_name | signed_date | json_field | NULL
    snapshot_at timestamp,
    file_seq bigint,
    findings varchar[],             -- the report's own sums that do not hold
    is_current boolean,             -- the newest export for its unit, form and period
    run_id varchar,
    ingested_at timestamp
);
