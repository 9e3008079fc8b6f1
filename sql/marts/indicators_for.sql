-- Grain: commune × period of period_list × sector × indicator.
-- Key: (unit_key, period, sector, indicator).
create or replace macro indicators_for(period_list, as_of, units := 'recorded') as table
    with pc as (  -- noqa: ST03
        select * from period_counts(period_list, as_of, units := units)
    )

    select * from indicators_of('pc');
