-- Grain: unit × period × sector × indicator. Key: (unit_key, period, sector, indicator).
-- The provinces' indicator rows (numerator, denominator, value), unchanged; the newer export of
-- a unit wins as in report_form. Parameters: $indicator_paths.
create or replace table indicators as
select * exclude (code_version, rules_hash, as_of)
from read_parquet($indicator_paths, union_by_name = true, hive_partitioning = false)
qualify
    row_number() over (
        partition by unit_key, period, sector, indicator order by as_of desc, province_code asc
    ) = 1
order by province_code, unit_key, period_start, period, sector nulls first, indicator;
