-- Grain: period × sector. Key: (period, sector).
-- Biểu 06 of the whole country (or of every province read): the sum of every unit's row.
create or replace view report_form_national as
select
    period,
    min(period_start) as period_start,
    max(period_end) as period_end,
    sector,
    count(distinct province_code) as provinces,
    count(distinct unit_key) as units,
    -- every Biểu 06 count: the columns of report_form that are not keys or names
    sum(columns(* exclude (
        unit_key, commune_code, commune_name, period, period_start, period_end, sector, province_code, province_name
    )))::bigint
from report_form
group by period, sector;
