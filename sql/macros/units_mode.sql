-- How a range macro reports units: 'recorded' (the unit on each case's newest snapshot; also
-- 2024, the former default) or 'current' (rolled up to today's units; also 2025).
create or replace macro tthc_units_mode(units) as (
    case when lower(units::varchar) in ('current', '2025') then 'current' else 'recorded' end
);
