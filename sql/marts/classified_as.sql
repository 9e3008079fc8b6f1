-- Grain: one row per case × period of period_list that the convention can count. Key: (case_id, period).
-- Every case of each period classified as another system counts Biểu 06: the knobs of one row of
-- counting_conventions (schemas/conventions.csv, each row citing the builder it reproduces), with
-- k the same struct as tthc_classify's. The convention 'tt01_2020' gives exactly what
-- classified_for gives (a test checks it); the figures themselves use classified_for.
-- reading: 'received_at' | 'filed_at' reads the received date another way (NULL: the convention's).
-- known_at: the cases as they stood at that moment (a report exported then): cases received after
-- it are left out, ends after it undone (in progress again).
create or replace macro classified_as(
    period_list, as_of, convention, units := 'recorded', reading := null, known_at := null
) as table
    with p as (
        select
            *,
            period_start::timestamp as s0,
            period_end::timestamp + interval 1 day as e1,
            least(period_end::timestamp + interval 86399 second, coalesce(as_of, known_at, tthc_local_now())) as horizon
        from (select unnest(period_list, recursive := true)) as listed
    ),

    conv as (
        select * from counting_conventions as cc
        where cc.convention = convention
    ),

    -- each status's class under the convention: excluded (never counted), open (in progress
    -- whatever its end), waiting (in progress on time, or not at all), done, withdrawn (resolved
    -- on time), stopped (ended without a result)
    status_class as (
        select
            st.status,
            st.status_group,
            case
                when list_contains(string_split(cv.excluded_statuses, '|'), st.status) then 'excluded'
                when list_contains(string_split(cv.open_statuses, '|'), st.status) then 'open'
                when list_contains(string_split(cv.waiting_statuses, '|'), st.status) then 'waiting'
                when list_contains(string_split(cv.withdrawn_statuses, '|'), st.status) then 'withdrawn'
                when list_contains(string_split(cv.stopped_statuses, '|'), st.status) then 'stopped'
                when list_contains(string_split(cv.done_statuses, '|'), st.status) then 'done'
            end as cls
        from statuses as st
        cross join conv as cv
    ),

    readings as (
        select
            c.*,
            sc.status_group,
            sc.cls as cls_recorded,
            case
                when coalesce(reading, cv.received_date) = 'filed_at' then coalesce(c.filed_at, c.received_at)
                else c.received_at
            end as r,
            case when cv.end_date = 'returned_at' then c.returned_at else c.finished_at end as f_recorded,
            case when known_at is null or c.returned_at <= known_at then c.returned_at end as handed_over
        from cases as c
        cross join conv as cv
        left join status_class as sc on c.status = sc.status
        where known_at is null or c.received_at <= known_at
    ),

    cases_then as (
        select
            rd.*,
            case when known_at is null or rd.f_recorded <= known_at then rd.f_recorded end as f,
            -- an end after known_at had not happened: a case ended then was still open
            case
                when
                    known_at is not null and rd.f_recorded > known_at
                    and rd.cls_recorded in ('done', 'withdrawn', 'stopped')
                    then (case when cv.state_by = 'status' then 'open' else 'done' end)
                else rd.cls_recorded
            end as cls
        from readings as rd
        cross join conv as cv
    ),

    placed as (
        select
            coalesce(u.unit_key, c.unit_key) as unit_key,
            coalesce(u.commune_code, c.commune_code) as commune_code,
            coalesce(u.commune_name, c.commune_name) as commune_name,
            p.period,
            p.period_start,
            p.period_end,
            p.horizon,
            c.sector,
            c.case_id,
            c.channel,
            c.is_digitized,
            c.fee_amount,
            c.is_paid_online,
            c.has_e_result,
            c.received_at,
            c.finished_at,
            c.status_group,
            c.cls,
            c.r,
            c.f,
            c.due_at as d,
            c.handed_over,
            cv.state_by,
            cv.compare,
            cv.waiting_as,
            cv.resolved_timing,
            cv.in_progress_due,
            cv.waiting_needs_received,
            c.r >= p.s0 and c.r < p.e1 as r_in,
            c.r < p.e1 as r_le_e,
            c.f >= p.s0 and c.f < p.e1 as f_in,
            c.f >= p.e1 as f_after,
            c.f >= p.s0 as f_ge_s
        from cases_then as c
        cross join conv as cv
        left join reporting_units(units := units) as u on c.unit_key = u.recorded_key
        inner join p
            on c.r < p.e1 or (c.cls = 'waiting' and not cv.waiting_needs_received)
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
        unit_key,
        commune_code,
        commune_name,
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
