-- Grain: commune × sector (sector NULL = all sectors) for one date range [start_date, end_date].
-- Key: (unit_key, sector).
-- convention := one of counting_conventions (default 'tt01_2020', this project's rules): the same
-- form as another system's builder counts it, e.g. convention := 'tandan_06a'. reading :=
-- 'filed_at' reads the received date as the filing date; known_at := the cases as they stood then.
create or replace macro report_form_between(
    start_date, end_date, as_of := null, units := 'recorded', convention := 'tt01_2020', reading := null,
    known_at := null
) as table
    select * from report_form_for(
        [{
            'period': tthc_period_label(start_date, end_date),
            'period_start': start_date::date, 'period_end': end_date::date
        }],
        as_of, units := units, convention := convention, reading := reading, known_at := known_at
    );
