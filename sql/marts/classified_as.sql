-- Grain: one row per case × period of period_list × model that the model can count.
-- Key: (case_id, period, model).
-- Every case of each period classified as another system counts Biểu 06. A model is a struct
-- {model, convention, reading, known_at, unit_key}: convention is a row of counting_conventions
-- (schemas/conventions.csv, each row citing the builder it reproduces); reading 'received_at' |
-- 'filed_at' reads the received date another way (NULL: the convention's); known_at takes the cases
-- as they stood at that moment (a report exported then: cases received after it left out, ends
-- after it undone); unit_key limits the model to one unit (NULL: every unit). k is the same struct
-- as tthc_classify's; the convention 'tt01_2020' gives exactly what classified_for gives (tested).
create or replace macro classified_as(period_list, as_of, models, units := 'recorded') as table
    with p as (
        select
            *,
            period_start::timestamp as s0,
            period_end::timestamp + interval 1 day as e1
        from (select unnest(period_list, recursive := true)) as listed
    ),

    m as (
        select
            listed.*,
            cc.* exclude (convention)
        from (select unnest(models, recursive := true)) as listed
        inner join counting_conventions as cc on listed.convention = cc.convention
    ),

    -- each status's class under each model's convention: excluded (never counted), open (in progress
    -- whatever its end), waiting (in progress on time, or not at all), done, withdrawn (resolved on
    -- time), stopped (ended without a result)
    status_class as (
        select
            cc.convention,
            st.status,
            st.status_group,
            case
                when list_contains(string_split(cc.excluded_statuses, '|'), st.status) then 'excluded'
                when list_contains(string_split(cc.open_statuses, '|'), st.status) then 'open'
                when list_contains(string_split(cc.waiting_statuses, '|'), st.status) then 'waiting'
                when list_contains(string_split(cc.withdrawn_statuses, '|'), st.status) then 'withdrawn'
                when list_contains(string_split(cc.stopped_statuses, '|'), st.status) then 'stopped'
                when list_contains(string_split(cc.done_statuses, '|'), st.status) then 'done'
            end as cls
        from statuses as st
        cross join counting_conventions as cc
    ),

    unit_cases as (
        select
            c.*,
            coalesce(u.unit_key, c.unit_key) as reported_key,
            coalesce(u.commune_code, c.commune_code) as reported_code,
            coalesce(u.commune_name, c.commune_name) as reported_name
        from cases as c
        left join reporting_units(units := units) as u on c.unit_key = u.recorded_key
    ),

    readings as (
        select
            c.*,
            m.model,
            m.state_by,
            m.compare,
            m.waiting_as,
            m.waiting_needs_received,
            m.resolved_timing,
            m.in_progress_due,
            m.known_at,
            sc.status_group,
            sc.cls as cls_recorded,
            case
                when coalesce(m.reading, m.received_date) = 'filed_at' then coalesce(c.filed_at, c.received_at)
                else c.received_at
            end as r,
            case when m.end_date = 'returned_at' then c.returned_at else c.finished_at end as f_recorded,
            case when m.known_at is null or c.returned_at <= m.known_at then c.returned_at end as handed_over
        from unit_cases as c
        inner join m on c.reported_key = m.unit_key or m.unit_key is null
        left join status_class as sc on m.convention = sc.convention and c.status = sc.status
        where m.known_at is null or c.received_at <= m.known_at
    ),

    cases_then as (
        select
            * exclude (f_recorded, cls_recorded),
            case when known_at is null or f_recorded <= known_at then f_recorded end as f,
            -- an end after known_at had not happened: a case ended then was still open
            case
                when
                    known_at is not null and f_recorded > known_at
                    and cls_recorded in ('done', 'withdrawn', 'stopped')
                    then (case when state_by = 'status' then 'open' else 'done' end)
                else cls_recorded
            end as cls
        from readings
    ),

    placed as (
        select
            c.*,
            p.period,
            p.period_start,
            p.period_end,
            least(
                p.period_end::timestamp + interval 86399 second, coalesce(as_of, c.known_at, tthc_local_now())
            ) as horizon,
            c.due_at as d,
            c.r >= p.s0 and c.r < p.e1 as r_in,
            c.r < p.e1 as r_le_e,
            c.f >= p.s0 and c.f < p.e1 as f_in,
            c.f >= p.e1 as f_after,
            c.f >= p.s0 as f_ge_s
        from cases_then as c
        inner join p
            on c.r < p.e1 or (c.cls = 'waiting' and not c.waiting_needs_received)
    ),

    states as (
        select
            *,
            -- status model (Tân Dân): DangXuLy, DaXuLy, BoSung, TraLai of its builder
            r_le_e and (cls = 'open' or (cls in ('done', 'withdrawn', 'stopped') and f_after)) as dang,
            cls = 'done' and f_in as da,
            cls = 'waiting' and (r_le_e or not waiting_needs_received) as bosung,
            cls in ('withdrawn', 'stopped') and r_le_e and f_in as tralai
        from placed
    ),

    counted as (
        select
            *,
            case
                when cls is null or cls = 'excluded' then false
                when state_by = 'dates' then r_le_e and (f is null or f_ge_s)
                else coalesce(dang or da or tralai or bosung, false)
            end as is_counted,
            case
                when state_by = 'dates' then r_le_e and f_in
                else coalesce(da or tralai, false)
            end as is_ended,
            case
                when state_by = 'dates' then r_le_e and (f is null or f_after)
                else coalesce(dang or bosung, false)
            end as is_open,
            case resolved_timing
                when 'tt01' then f::date < d::date
                when 'opencps' then not (f > d) and handed_over < d
                else (case when compare = 'date' then f::date < d::date else f < d end)
            end as t_early,
            case resolved_timing
                when 'tt01' then f > tthc_deadline(d)
                when 'opencps' then f > d
                else (case when compare = 'date' then f::date > d::date else f > d end)
            end as t_late,
            case in_progress_due
                when 'deadline_vs_horizon' then tthc_deadline(d) >= horizon
                when 'raw_vs_horizon' then d > horizon
                else (
                    case
                        when compare = 'date' then d::date >= period_end::date
                        else d >= period_end::timestamp + interval 86399 second
                    end
                )
            end as due_ok
        from states
    ),

    flags as (
        select
            *,
            is_counted and is_ended and cls in ('done', 'open', 'waiting', 'withdrawn') as is_resolved,
            is_counted and is_open and not (cls = 'waiting' and waiting_as = 'not_in_progress') as is_in_progress,
            cls = 'waiting' and waiting_as = 'in_progress_on_time' as waits_on_time
        from counted
        where is_counted or (status_group = 'refused' and r_in)
    )

    select
        model,
        reported_key as unit_key,
        reported_code as commune_code,
        reported_name as commune_name,
        period,
        period_start,
        period_end,
        sector,
        case_id,
        channel,
        is_digitized,
        fee_amount,
        is_paid_online,
        has_e_result,
        received_at,
        finished_at,
        struct_pack(
            received := is_counted and r_in,
            received_online := is_counted and r_in and channel = 'online',
            received_offline := is_counted and r_in and channel <> 'online',
            received_channel_unknown := is_counted and r_in and channel is null,
            carried_over := is_counted and r < period_start::timestamp,
            refused_at_intake := status_group = 'refused' and r_in,
            resolved := is_resolved,
            resolved_early := is_resolved and cls <> 'withdrawn' and coalesce(t_early and not t_late, false),
            resolved_on_time := is_resolved and (cls = 'withdrawn' or not coalesce(t_early or t_late, false)),
            resolved_late := is_resolved and cls <> 'withdrawn' and coalesce(t_late, false),
            withdrawn_stopped := is_counted and is_ended and cls = 'stopped',
            in_progress := is_in_progress,
            in_progress_on_time := is_in_progress and (waits_on_time or coalesce(due_ok, false)),
            in_progress_overdue := is_in_progress and not (waits_on_time or coalesce(due_ok, false))
        ) as k
    from flags;
