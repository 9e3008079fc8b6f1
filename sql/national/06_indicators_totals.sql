-- Grain: province × period × sector × indicator (indicators_provinces) and period × sector ×
-- indicator (indicators_national). Keys: (province_code, period, sector, indicator) and (period,
-- sector, indicator).
-- Numerators and denominators add up over units; the value is computed again from the sums by
-- the indicator's kind with the warehouse's own rule (tthc_indicator_value). A numerator one unit
-- cannot give (NULL with cases behind it: "chưa có số liệu") makes the total's NULL too, a partial
-- sum is not a total; a NULL over nothing (denominator 0, e.g. no case resolved) adds nothing.

create or replace view indicators_provinces as
select
    i.province_code,
    any_value(i.province_name) as province_name,
    i.period,
    i.sector,
    i.indicator,
    case when bool_and(i.numerator is not null or i.denominator = 0) then coalesce(sum(i.numerator), 0) end
        as numerator,
    sum(i.denominator) as denominator,
    tthc_indicator_value(
        any_value(d.kind),
        case when bool_and(i.numerator is not null or i.denominator = 0) then coalesce(sum(i.numerator), 0) end,
        sum(i.denominator)
    ) as value
from indicators as i
left join indicator_definitions as d on i.indicator = d.indicator
group by i.province_code, i.period, i.sector, i.indicator;

create or replace view indicators_national as
select
    i.period,
    i.sector,
    i.indicator,
    case when bool_and(i.numerator is not null or i.denominator = 0) then coalesce(sum(i.numerator), 0) end
        as numerator,
    sum(i.denominator) as denominator,
    tthc_indicator_value(
        any_value(d.kind),
        case when bool_and(i.numerator is not null or i.denominator = 0) then coalesce(sum(i.numerator), 0) end,
        sum(i.denominator)
    ) as value
from indicators as i
left join indicator_definitions as d on i.indicator = d.indicator
group by i.period, i.sector, i.indicator;
