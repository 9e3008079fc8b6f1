-- The one definition of how a case counts in a period [s, e] (indicators.md, "Classifying a case").
-- s, e are dates; e is inclusive to 23:59:59. horizon = min(end of e, now): the moment at which
-- an unfinished case is judged within time or overdue.

-- deadline D: due_at itself when it has a time of day, else the end of that day
create or replace macro tthc_deadline(d) as (
    case when d = date_trunc('day', d) then d + interval 86399 second else d end
);

create or replace macro tthc_classify(r, f, d, status, channel, s, e, horizon) as (
    [{
        'received': k.received,
        'received_online': k.received and channel = 'online',
        'received_offline': k.received and channel <> 'online',
        'carried_over': k.carried,
        'refused_at_intake': k.refused,
        'resolved': k.resolved,
        'resolved_early': k.resolved and f::date < d::date,
        'resolved_on_time': k.resolved and f::date >= d::date and f <= tthc_deadline(d),
        'resolved_late': k.resolved and f > tthc_deadline(d),
        'withdrawn_stopped': k.withdrawn_stopped,
        'in_progress': k.in_progress,
        'in_progress_on_time': k.in_progress and tthc_deadline(d) >= horizon,
        'in_progress_overdue': k.in_progress and tthc_deadline(d) < horizon
     }
     for k in [{
        'received': status <> 'refused' and r >= s and r < e + interval 1 day,
        'carried': status <> 'refused' and r < s and (f is null or f >= s),
        'refused': status = 'refused' and r >= s and r < e + interval 1 day,
        'resolved': status not in ('refused', 'withdrawn', 'stopped')
            and r < e + interval 1 day and f >= s and f < e + interval 1 day,
        'withdrawn_stopped': status in ('withdrawn', 'stopped')
            and r < e + interval 1 day and f >= s and f < e + interval 1 day,
        'in_progress': status <> 'refused' and r < e + interval 1 day and (f is null or f >= e + interval 1 day)
     }]
    ][1]
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
