-- Grain: commune × period of period_list × sector (sector NULL = all sectors).
-- Key: (unit_key, period, sector).
create or replace macro report_form_for(period_list, as_of, units := 'recorded') as table
    with pc as (  -- noqa: ST03
        select * from period_counts(period_list, as_of, units := units)
    )

    select * from report_form_of('pc');
