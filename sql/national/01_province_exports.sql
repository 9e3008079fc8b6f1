-- Grain: one row per province export read. Key: province_code.
-- What each province's export says about itself: its today's province, the code version and
-- rules hash of the run that built it, its as_of, and how many unit rows it brought.
-- Parameters: $report_paths (the report_form Parquet files of every source).
create or replace table province_exports as
select
    province_code,
    any_value(province_name) as province_name,
    string_agg(distinct code_version, ', ' order by code_version) as code_version,
    string_agg(distinct rules_hash, ', ' order by rules_hash) as rules_hash,
    max(as_of) as as_of,
    count(distinct unit_key) as units,
    count(*) as report_rows
from read_parquet($report_paths, union_by_name = true, hive_partitioning = false)
group by province_code
order by province_code;
