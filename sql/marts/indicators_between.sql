-- Grain: commune × sector × indicator for one date range [start_date, end_date].
-- Key: (unit_key, sector, indicator).
create or replace macro indicators_between(start_date, end_date, as_of := null, units := 'recorded') as table
    select * from indicators_for(
        [{
            'period': tthc_period_label(start_date, end_date),
            'period_start': start_date::date, 'period_end': end_date::date
        }],
        as_of, units := units
    );
