-- Grain: unit × metric for one date range [start_date, end_date]. Key: (unit_key, metric_code).
-- The 766 score of every unit with a case in the range (score766_for), period label
-- yyyy-mm-dd..yyyy-mm-dd.
create or replace macro score766_between(start_date, end_date, as_of := null, units := 'recorded') as table
    select * from score766_for(
        [{
            'period': tthc_period_label(start_date, end_date),
            'period_start': start_date::date, 'period_end': end_date::date
        }],
        as_of, units := units
    );
