-- The value of an indicator from its numerator and denominator, by its kind
-- (indicator_definitions.kind): pct → 100 × num / den to 2 decimals (tthc_pct), days → num / den to
-- 2 decimals, count → the numerator; NULL when it cannot be computed. The one rule, used by
-- indicators_of (a unit's row) and by the national roll-up (sums over units).
create or replace macro tthc_indicator_value(kind, num, den) as (
    case kind
        when 'pct' then tthc_pct(num, den)
        when 'days' then case when den > 0 then round(num / den, 2) end
        else num
    end
);
