-- Grain: unit × period × sector (sector NULL = all sectors), as each province's warehouse holds
-- it. Key: (unit_key, period, sector).
-- The provinces' report_form rows, unchanged. A unit exported by two provinces (overlapping
-- scopes) keeps the row of the newer export (as_of) and is listed in rollup_conflicts; only those
-- rows are ordered, the others are read once and stored as they are.
-- Parameters: $report_paths.
create or replace table rollup_conflicts as
select
    'report_form' as table_name,
    unit_key,
    period,
    sector,
    string_agg(province_code, ', ' order by as_of desc) as provinces
from read_parquet($report_paths, hive_partitioning = false)
group by unit_key, period, sector
having count(*) > 1;

create or replace table report_form as
select r.* exclude (code_version, rules_hash, as_of)
from read_parquet($report_paths, hive_partitioning = false) as r
anti join rollup_conflicts as c
    on r.unit_key = c.unit_key and r.period = c.period and r.sector is not distinct from c.sector
union all by name
select r.* exclude (code_version, rules_hash, as_of)
from read_parquet($report_paths, hive_partitioning = false) as r
semi join rollup_conflicts as c
    on r.unit_key = c.unit_key and r.period = c.period and r.sector is not distinct from c.sector
qualify row_number() over (
    partition by r.unit_key, r.period, r.sector order by r.as_of desc, r.province_code asc
) = 1;
