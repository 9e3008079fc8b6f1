-- Grain: commune × period of period_list × sector (sector NULL = all sectors).
-- Key: (unit_key, period, sector).
create or replace macro report_form_for(
    period_list, as_of, units := 'recorded', convention := 'tt01_2020', reading := null, known_at := null
) as table
    with pc as (  -- noqa: ST03
        select * from period_counts(
            period_list, as_of, units := units, convention := convention, reading := reading, known_at := known_at
        )
    )

    select * from report_form_of('pc');
