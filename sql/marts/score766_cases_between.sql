-- Grain: case × metric it costs points in, for one date range [start_date, end_date].
-- Key: (case_id, metric_code).
-- The cases behind every lost 766 point of every unit (score766_cases_for), period label
-- yyyy-mm-dd..yyyy-mm-dd. unit := a unit key (e.g. '13684@2025') lists that unit's cases only, fast.
create or replace macro score766_cases_between(
    start_date, end_date, as_of := null, units := 'recorded', unit := null
) as table
    select * from score766_cases_for(
        [{
            'period': tthc_period_label(start_date, end_date),
            'period_start': start_date::date, 'period_end': end_date::date
        }],
        as_of, units := units, unit := unit
    );
