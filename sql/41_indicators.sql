-- Indicators of indicators.md in long form: one row per commune × period × sector × indicator.
-- value: counts as counts, *_pct as 0–100 rounded to 2 decimals, NULL when not computable.
create or replace macro tthc_pct(num, den) as (
    case when den > 0 and num is not null then round(100.0 * num / den, 2) end
);

-- the indicators of a period_counts result named `counts` (a table or a CTE)
create or replace macro indicators_of(counts) as table
    with sums as (
        select *, received_online + received_offline + carried_over as received_total
        from query_table(counts)
    ),

    long as (
        select commune_code, commune_name, period, period_start, period_end, sector,
               unnest([
                   {'indicator': 'resolved_online', 'numerator': resolved_online::double, 'denominator': null::double},
                   {'indicator': 'resolved_digitized', 'numerator': resolved_digitized, 'denominator': null},
                   {'indicator': 'early_pct', 'numerator': resolved_early, 'denominator': resolved_total},
                   {'indicator': 'on_time_pct', 'numerator': resolved_on_time, 'denominator': resolved_total},
                   {'indicator': 'late_pct', 'numerator': resolved_late, 'denominator': resolved_total},
                   {'indicator': 'timely_pct',
                    'numerator': resolved_early + resolved_on_time + in_progress_on_time,
                    'denominator': received_total},
                   {'indicator': 'online_pct', 'numerator': received_online, 'denominator': received_in_period},
                   {'indicator': 'digitized_pct', 'numerator': resolved_digitized, 'denominator': resolved_total},
                   {'indicator': 'paid_online_pct', 'numerator': paid_online, 'denominator': paid_known},
                   {'indicator': 'e_result_pct', 'numerator': e_result, 'denominator': e_result_known},
                   {'indicator': 'avg_resolution_days', 'numerator': resolution_days, 'denominator': resolved_total}
               ], recursive := true)
        from sums
    )

    select
        commune_code, commune_name, period, period_start, period_end, sector,
        indicator,
        numerator,
        denominator,
        case
            when indicator like '%\_pct' escape '\' then tthc_pct(numerator, denominator)
            when indicator = 'avg_resolution_days' then
                case when denominator > 0 then round(numerator / denominator, 2) end
            else numerator
        end as value
    from long;

create or replace macro indicators_for(period_list, as_of, units := 2024) as table
    with pc as (
        select * from period_counts(period_list, as_of, units := units)
    )
    select * from indicators_of('pc');

create or replace macro indicators_between(start_date, end_date, as_of := null, units := 2024) as table
    select * from indicators_for(
        [{'period': tthc_period_label(start_date, end_date),
          'period_start': start_date::date, 'period_end': end_date::date}],
        as_of, units := units);
