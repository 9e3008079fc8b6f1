-- Grain: one row per unit of the registry (communes.unit_key). Key: recorded_key.
-- The unit each recorded unit is reported under: itself (units := 'recorded', the default, also
-- 2024), or today's unit (units := 'current', also 2025): an old unit rolls up into the unit it
-- became on 01/07/2025 (the default one when it was divided), a unit of today is itself.
-- The one definition of the roll-up, used by classified_for and by the outputs.
create or replace macro reporting_units(units := 'recorded') as table
    select
        u.unit_key as recorded_key,
        coalesce(r.unit_key, u.unit_key) as unit_key,
        coalesce(r.commune_code, u.commune_code) as commune_code,
        coalesce(r.commune_name, u.commune_name) as commune_name,
        coalesce(r.unit_type, u.unit_type) as unit_type,
        coalesce(r.era, u.era) as era
    from communes as u
    left join communes as r
        on
            u.successor_key = r.unit_key
            and u.era = '2024'
            and tthc_units_mode(units) = 'current';
