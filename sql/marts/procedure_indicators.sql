-- Grain: one row per catalogue indicator for one unit. Key: indicator.
-- Catalogue indicators of one unit (its unit_key, e.g. 13723@2024): procedures it publishes and
-- how many are fully online. Only the catalogue rows of that unit count: a unit the catalogue does
-- not cover has no figure (value NULL, "chưa có số liệu"), never another unit's catalogue.
create or replace macro procedure_indicators(key) as table
    with applicable as (
        select *
        from procedures
        where admin_level = 'commune' and unit_key = key
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
