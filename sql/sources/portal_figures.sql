-- Their figures: one row per unit × period × form × row × cell (and measure) of the newest report
-- for the unit, form and period (portal_reports.is_current). Filled by staging/load_portal_figures.sql.
create table if not exists portal_figures (
    source_file varchar,
    source_sha256 varchar,
    system varchar,
    form varchar,                   -- bieu06 | 766
    unit_key varchar,
    unit_name varchar,
    period varchar,
    period_start date,
    period_end date,
    sector varchar,                 -- NULL: the unit's figures over all lĩnh vực
    level varchar,
    row_label varchar,
    row_kind varchar,               -- unit | sector | group_total | total
    cell varchar,                   -- a report_form column (bieu06) or a metric code (766)
    measure varchar,                -- count | numerator | denominator | rate_pct | points | max_points
    value double,
    exported_at timestamp,
    source_row bigint
);
