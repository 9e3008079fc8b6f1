-- Grain: unit × period × sector × indicator. Key: (unit_key, period, sector, indicator).
-- The indicators of docs/reference/indicators.md in long form from a period_counts result named `counts` (a
-- table or a CTE). The formula of each indicator (its numerator and denominator) is written here;
-- its kind (pct, count, days), label and wording come from indicator_definitions
-- (schemas/indicators.csv). value: counts as counts, pct as 0–100 rounded to 2 decimals, days
-- rounded to 2 decimals, NULL when not computable.
create or replace macro indicators_of(counts) as table
    with long as (
        select
            unit_key,
            commune_code,
            commune_name,
            period,
            period_start,
            period_end,
            sector,
            -- a list of structs unnested into its named fields
            unnest([  -- noqa: AL03
                -- unknown (NULL) when every resolved case comes from files without a channel column
                {
                    'indicator': 'resolved_online',
                    'numerator': case
                        when resolved_total = 0 or resolved_channel_unknown < resolved_total then resolved_online
                    end::double,
                    'denominator': null::double
                },
                -- unknown (NULL) when resolved cases exist but none says whether it was digitised
                {
                    'indicator': 'resolved_digitized',
                    'numerator': case when resolved_total = 0 or digitized_known > 0 then resolved_digitized end,
                    'denominator': null
                },
                { 'indicator': 'early_pct', 'numerator': resolved_early, 'denominator': resolved_total },
                { 'indicator': 'on_time_pct', 'numerator': resolved_on_time, 'denominator': resolved_total },
                { 'indicator': 'late_pct', 'numerator': resolved_late, 'denominator': resolved_total },
                {
                    'indicator': 'timely_pct',
                    'numerator': resolved_early + resolved_on_time + in_progress_on_time,
                    'denominator': received_total
                },
                -- of the cases whose channel is known: a file without a channel column says nothing
                {
                    'indicator': 'online_pct',
                    'numerator': received_online,
                    'denominator': received_in_period - received_channel_unknown
                },
                { 'indicator': 'digitized_pct', 'numerator': resolved_digitized, 'denominator': digitized_known },
                { 'indicator': 'paid_online_pct', 'numerator': paid_online, 'denominator': paid_known },
                { 'indicator': 'e_result_pct', 'numerator': e_result, 'denominator': e_result_known },
                {
                    'indicator': 'avg_resolution_days',
                    'numerator': resolution_seconds / 86400.0,
                    'denominator': resolved_total
                }
            ], recursive := true)
        from query_table(counts)
    )

    select
        l.unit_key,
        l.commune_code,
        l.commune_name,
        l.period,
        l.period_start,
        l.period_end,
        l.sector,
        l.indicator,
        l.numerator,
        l.denominator,
        tthc_indicator_value(d.kind, l.numerator, l.denominator) as value
    from long as l
    left join indicator_definitions as d using (indicator);
