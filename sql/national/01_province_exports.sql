-- Grain: one row per province export read. Key: province_code.
-- What each province's export says about itself: its today's province, the code version and
-- rules hash of the run that built it and its as_of. A province's export is written whole by one
-- run, so one file of it says it all.
-- Parameters: $first_paths (one report_form Parquet file of each province's folder).
create or replace table province_exports as
select
    province_code,
    any_value(province_name) as province_name,
    string_agg(distinct code_version, ', ' order by code_version) as code_version,
    string_agg(distinct rules_hash, ', ' order by rules_hash) as rules_hash,
    max(as_of) as as_of
from read_parquet($first_paths, hive_partitioning = false)
group by province_code
order by province_code;
