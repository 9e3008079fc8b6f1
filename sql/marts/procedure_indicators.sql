-- Grain: one row per catalogue indicator for one commune. Key: indicator.
-- Catalogue indicators of one commune: procedures it publishes and how many are fully online.
-- A catalogue row applies to a commune when it names that commune, or names none and is of the
-- commune level.
create or replace macro procedure_indicators(code) as table
    with applicable as (
        select *
        from procedures
        where admin_level = 'commune' and (commune_code is null or commune_code = code)
    ),

    counted as (
        select
            count(*) filter (where is_published) as published,
            count(*) filter (where is_published and online_level = 'full') as full_online
        from applicable
    )

    select
        unnest([
            {
                'indicator': 'procedures_published', 'numerator': published::double, 'denominator': null::double,
                'value': case when published > 0 then published::double end
            },
            {
                'indicator': 'procedures_full_online', 'numerator': full_online, 'denominator': null,
                'value': case when published > 0 then full_online::double end
            },
            {
                'indicator': 'procedures_full_online_pct', 'numerator': full_online, 'denominator': published,
                'value': tthc_pct(full_online, published)
            }
        ], recursive := true)
    from counted;
