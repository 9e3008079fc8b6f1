-- Grain: one row per unit with a current Biểu 06 report for [start_date, end_date] × model.
-- Key: (unit_key, model).
-- The ways of counting tried to explain their figures, in the order explanations are tried
-- (mord): every convention of counting_conventions as its builder counts (ours, tt01_2020, first;
-- then the report's own system's; then by seq), then each with the received date read the other
-- way (filing vs reception), then each with only the cases that existed when they exported the
-- report (when its export time is known), then both.
create or replace macro reconcile_models(start_date, end_date, unit := null) as table
    with reports as (
        select
            unit_key,
            any_value(system) as system,
            max(exported_at) as exported_at
        from portal_reports
        where
            is_current and form = 'bieu06' and unit_key is not null
            and period_start = start_date::date and period_end = end_date::date
            and (unit is null or unit_key = unit)
        group by unit_key
    ),

    variants as (
        select *
        from (
            values
            ('plain', 0, false, false),
            ('filed', 1, true, false),
            ('export', 2, false, true),
            ('filed_export', 3, true, true)
        ) as v (variant, vord, other_reading, at_export)
    )

    select
        r.unit_key,
        cc.convention || case when v.variant = 'plain' then '' else '+' || v.variant end as model,
        cc.convention,
        cc.label,
        v.variant,
        case
            when v.other_reading
                then (case when cc.received_date = 'filed_at' then 'received_at' else 'filed_at' end)
        end as reading,
        case when v.at_export then r.exported_at end as known_at,
        row_number() over (
            partition by r.unit_key
            order by v.vord, cc.convention <> 'tt01_2020', cc.system is distinct from r.system, cc.seq
        ) as mord
    from reports as r
    cross join counting_conventions as cc
    cross join variants as v
    where not (v.at_export and r.exported_at is null);
