-- Grain: commune × sector (sector NULL = all sectors) for one date range [start_date, end_date].
-- Key: (unit_key, sector).
create or replace macro report_form_between(start_date, end_date, as_of := null, units := 'recorded') as table
    select * from report_form_for(
        [{
            'period': tthc_period_label(start_date, end_date),
            'period_start': start_date::date, 'period_end': end_date::date
        }],
        as_of, units := units
    );
