-- Grain: one row per unit × period of period_list × metric of score766_metrics, for the units with a
-- case alive in the period. Key: (unit_key, period, metric_code).
-- The 766 score of every unit for each period of period_list: score766_classified_for, then
-- score766_scored (the formulas and the notes are written there).
create or replace macro score766_for(period_list, as_of, units := 'recorded') as table
    with k as (  -- noqa: ST03
        select * from score766_classified_for(period_list, as_of, units := units)
    )

    select * from score766_scored('k');
