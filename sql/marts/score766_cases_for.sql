-- Grain: one row per case × period of period_list × metric the case costs points in.
-- Key: (case_id, period, metric_code).
-- The cases behind every lost point: for each metric scored from the cases (formula kind ratio)
-- whose points are below the maximum, every case in its denominator and not in its numerator, with
-- the reason (score766_reasons) and what fixing that one case is worth (points_worth: the points the
-- metric would gain with one more case right, capped at the maximum) and the case's worth over all
-- its metrics (case_points_worth), which the sheets sort by. unit := a unit key: that unit's cases
-- only (what a unit's sheet and tthc diem766 ask for; the whole month is not classified).
create or replace macro score766_cases_for(period_list, as_of, units := 'recorded', unit := null) as table
    with classified as (
        select * from score766_classified_for(period_list, as_of, units := units, unit := unit)
    ),

    scores as (
        select * from score766_scored('classified')
        where formula_kind = 'ratio' and points < max_points
    ),

    k as (
        -- only the cases that miss something: most cases cost nothing and are not unnested
        select * from classified
        where
            (progress_counted and not progress_on_time)
            or (payment_counted and not paid_online)
            or (e_result_counted and not e_result)
            or (digitised_counted and not digitised)
    ),

    costing as (
        select
            k.*,
            unnest([  -- noqa: AL03
                { 'metric_code': 'TIEN_DO', 'reason': k.progress_reason },
                { 'metric_code': 'DOSSIER_RECEIVING_SATISFACTION', 'reason': k.progress_reason },
                {
                    'metric_code': 'ONLINE_PAYMENT_DOSSIER',
                    'reason': case when k.payment_counted and not k.paid_online then 'fee_not_paid_online' end
                },
                {
                    'metric_code': 'ORIGINAL_RESULT_AVAILABLE',
                    'reason': case when k.e_result_counted and not k.e_result then 'no_e_result' end
                },
                {
                    'metric_code': 'SO_HOA_GIAY_TO_GIAI_QUYET',
                    'reason': case when k.digitised_counted and not k.digitised then 'not_digitised' end
                }
            ], recursive := true)
        from k
    ),

    valued as (
        select
            c.case_id,
            c.unit_key,
            s.unit_name,
            c.period,
            c.period_start,
            c.period_end,
            s.group_code,
            c.metric_code,
            c.reason,
            r.label as reason_text,
            round(
                least(s.max_points, s.max_points * (s.numerator + 1) / s.denominator / (s.threshold_pct / 100.0))
                - least(s.max_points, s.max_points * s.numerator / s.denominator / (s.threshold_pct / 100.0)),
                4
            ) as points_worth,
            c.procedure_name,
            c.sector,
            c.status,
            c.received_at,
            c.due_at,
            c.due_from_statute,
            c.end_at,
            case
                when c.reason in ('late', 'overdue_in_progress', 'supplement_after_due')
                    then date_diff('day', c.deadline, coalesce(c.end_at, c.horizon))
            end as days_late
        from costing as c
        inner join scores as s
            on c.unit_key = s.unit_key and c.period = s.period and c.metric_code = s.metric_code
        left join score766_reasons as r on c.reason = r.reason
        where c.reason is not null
    )

    select
        *,
        -- a case is one unit's in a period: partitioning by the unit too lets a filter on unit_key
        -- reach the scan
        round(sum(points_worth) over (partition by unit_key, case_id, period), 4) as case_points_worth
    from valued;
