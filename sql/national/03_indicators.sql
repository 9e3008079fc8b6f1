-- Grain: unit × period × sector × indicator. Key: (unit_key, period, sector, indicator).
-- The provinces' indicator rows (numerator, denominator, value), unchanged; a unit exported by
-- two provinces keeps the newer export's rows, as in report_form (rollup_conflicts).
-- Parameters: $indicator_paths.
create or replace table indicators as
select r.* exclude (code_version, rules_hash, as_of)
from read_parquet($indicator_paths, hive_partitioning = false) as r
anti join rollup_conflicts as c
    on r.unit_key = c.unit_key and r.period = c.period and r.sector is not distinct from c.sector
union all by name
select r.* exclude (code_version, rules_hash, as_of)
from read_parquet($indicator_paths, hive_partitioning = false) as r
semi join rollup_conflicts as c
    on r.unit_key = c.unit_key and r.period = c.period and r.sector is not distinct from c.sector
qualify row_number() over (
    partition by r.unit_key, r.period, r.sector, r.indicator order by r.as_of desc, r.province_code asc
) = 1;
