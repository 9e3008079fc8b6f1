-- Grain: unit × period × sector (sector NULL = all sectors), as each province's warehouse holds
-- it. Key: (unit_key, period, sector).
-- The provinces' report_form rows, unchanged. A unit exported by two provinces (overlapping
-- scopes) keeps the row of the newer export (as_of), and the other is listed in rollup_conflicts.
-- Parameters: $report_paths.
create or replace table report_form_all as
select *
from read_parquet($report_paths, union_by_name = true, hive_partitioning = false);

create or replace table rollup_conflicts as
select
    'report_form' as table_name,
    unit_key,
    period,
    sector,
    string_agg(province_code, ', ' order by as_of desc) as provinces
from report_form_all
group by unit_key, period, sector
having count(*) > 1;

create or replace table report_form as
select * exclude (code_version, rules_hash, as_of)
from report_form_all
qualify row_number() over (partition by unit_key, period, sector order by as_of desc, province_code asc) = 1
order by province_code, unit_key, period_start, period, sector nulls first;

drop table report_form_all;
