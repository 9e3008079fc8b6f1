-- Grain: one row per commune of the registry (communes.commune_code). Key: recorded_code.
-- The unit each recorded commune is reported under: itself (units = 2024) or the unit it became
-- on 01/07/2025 (units = 2025, communes.successor_*). The one definition of the roll-up, used by
-- classified_for and by the outputs' list of communes.
create or replace macro reporting_units(units := 2024) as table
    select
        commune_code as recorded_code,
        case when units = 2025 then coalesce(successor_code, commune_code) else commune_code end as commune_code,
        case when units = 2025 then coalesce(successor_name, commune_name) else commune_name end as commune_name,
        case when units = 2025 then coalesce(successor_type, unit_type) else unit_type end as unit_type
    from communes;
