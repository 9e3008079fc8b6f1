-- Grain: province × period × sector. Key: (province_code, period, sector).
-- Biểu 06 of each province: the sum of its units' rows (every count is additive).
create or replace view report_form_provinces as
select
    province_code,
    any_value(province_name) as province_name,
    period,
    min(period_start) as period_start,
    max(period_end) as period_end,
    sector,
    count(distinct unit_key) as units,
    -- every Biểu 06 count: the columns of report_form that are not keys or names
    sum(columns(* exclude (
        unit_key, commune_code, commune_name, period, period_start, period_end, sector, province_code, province_name
    )))::bigint
from report_form
group by province_code, period, sector;
