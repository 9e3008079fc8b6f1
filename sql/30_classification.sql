-- The one definition of how a case counts in a period [s, e] (indicators.md, "Classifying a case").
-- s, e are dates; e is inclusive to 23:59:59. horizon = min(end of e, now): the moment at which
-- an unfinished case is judged within time or overdue.

-- deadline D: due_at itself when it has a time of day, else the end of that day
create or replace macro tthc_deadline(d) as (
    case when d = date_trunc('day', d) then d + interval 86399 second else d end
);

-- the three states a period's counts hinge on, each written once (s, e: the period's first and last day)
create or replace macro tthc_is_received(r, status, s, e) as (
    status <> 'refused' and r >= s and r < e + interval 1 day
);

create or replace macro tthc_is_resolved(r, f, status, s, e) as (
    status not in ('refused', 'withdrawn', 'stopped') and r < e + interval 1 day and f >= s and f < e + interval 1 day
);

create or replace macro tthc_is_in_progress(r, f, status, e) as (
    status <> 'refused' and r < e + interval 1 day and (f is null or f >= e + interval 1 day)
);

-- a flat struct_pack: DuckDB evaluates the repeated state expressions once per row (common
-- subexpression elimination); the earlier list-comprehension form cost 2 s more per 10M cases
create or replace macro tthc_classify(r, f, d, status, channel, s, e, horizon) as (
    struct_pack(
        received := tthc_is_received(r, status, s, e),
        received_online := tthc_is_received(r, status, s, e) and channel = 'online',
        received_offline := tthc_is_received(r, status, s, e) and channel <> 'online',
        carried_over := status <> 'refused' and r < s and (f is null or f >= s),
        refused_at_intake := status = 'refused' and r >= s and r < e + interval 1 day,
        resolved := tthc_is_resolved(r, f, status, s, e),
        resolved_early := tthc_is_resolved(r, f, status, s, e) and f::date < d::date,
        resolved_on_time := tthc_is_resolved(r, f, status, s, e) and f::date >= d::date and f <= tthc_deadline(d),
        resolved_late := tthc_is_resolved(r, f, status, s, e) and f > tthc_deadline(d),
        withdrawn_stopped := status in ('withdrawn', 'stopped') and r < e + interval 1 day
            and f >= s and f < e + interval 1 day,
        in_progress := tthc_is_in_progress(r, f, status, e),
        in_progress_on_time := tthc_is_in_progress(r, f, status, e) and tthc_deadline(d) >= horizon,
        in_progress_overdue := tthc_is_in_progress(r, f, status, e) and tthc_deadline(d) < horizon
    )
);

-- every case relevant to each period of period_list (a list of {period, period_start, period_end}),
-- with its classification; the join keeps only cases alive at some point of the period.
-- units = 2025 reports old communes under the unit they became on 01/07/2025 (communes.successor_*),
-- so a 2024–2026 series is continuous; units = 2024 keeps the commune recorded on the case.
create or replace macro classified_for(period_list, as_of, units := 2024) as table
    with p as (
        -- as_of NULL means "now" at query time (a macro's default would be frozen at creation)
        select *, least(period_end::timestamp + interval 86399 second,
                        coalesce(as_of, timezone('Asia/Ho_Chi_Minh', now()))) as horizon
        from (select unnest(period_list, recursive := true))
    )
    select
        case when units = 2025 then coalesce(u.successor_code, c.commune_code) else c.commune_code end
            as commune_code,
        case when units = 2025 then coalesce(u.successor_name, c.commune_name) else c.commune_name end
            as commune_name,
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
        tthc_classify(c.received_at, c.finished_at, c.due_at, c.status, c.channel,
                      p.period_start, p.period_end, p.horizon) as k
    from cases as c
    left join communes as u on u.commune_code = c.commune_code
    join p
      on c.received_at < p.period_end + interval 1 day
     and (c.finished_at is null or c.finished_at >= p.period_start);
