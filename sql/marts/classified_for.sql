-- Grain: one row per case × period of period_list in which the case is alive (received by the
-- period's end and not finished before its start). Key: (case_id, period).
-- Every case relevant to each period of period_list (a list of {period, period_start, period_end}),
-- with k = its classification (tthc_classify). units: see reporting_units.
create or replace macro classified_for(period_list, as_of, units := 'recorded') as table
    with p as (
        -- as_of NULL means "now" at query time (a macro's default would be frozen at creation)
        select
            *,
            least(period_end::timestamp + interval 86399 second, coalesce(as_of, tthc_local_now())) as horizon
        from (select unnest(period_list, recursive := true)) as listed
    )

    select
        coalesce(u.unit_key, c.unit_key) as unit_key,
        coalesce(u.commune_code, c.commune_code) as commune_code,
        coalesce(u.commune_name, c.commune_name) as commune_name,
        p.period,
        p.period_start,
        p.period_end,
        c.sector,
        c.case_id,
        c.channel,
        c.is_digitized,
        c.fee_amount,
        c.is_paid_online,
        c.has_e_result,
        c.received_at,
        c.finished_at,
        tthc_classify(
            c.received_at, c.finished_at, c.due_effective, st.status_group, c.channel,
            p.period_start, p.period_end, p.horizon
        ) as k
    -- a case exported without a due time is judged by its statutory due day (cases.statutory_due_at);
    -- computed once here, not inside tthc_classify, where it would be evaluated once per use
    from (
        select
            *,
            coalesce(due_at, statutory_due_at) as due_effective
        from cases
    ) as c
    left join statuses as st on c.status = st.status
    left join reporting_units(units := units) as u on c.unit_key = u.recorded_key
    inner join p
        on
            c.received_at < p.period_end + interval 1 day
            and (c.finished_at is null or c.finished_at >= p.period_start);
