-- The one definition of how a case counts in a period [s, e] (docs/reference/indicators.md, "Classifying a case").
-- s, e are dates; e is inclusive to 23:59:59. horizon = min(end of e, now): the moment at which
-- an unfinished case is judged within time or overdue.
-- grp is the case's status group (statuses.status_group, from schemas/statuses.csv): refused
-- (never accepted), withdrawn_stopped (ended without a result), active, resolved. Which status
-- is in which group is written only there.

-- the three states a period's counts hinge on, each written once
create or replace macro tthc_is_received(r, grp, s, e) as (
    grp <> 'refused' and r >= s and r < e + interval 1 day
);

create or replace macro tthc_is_resolved(r, f, grp, s, e) as (
    grp not in ('refused', 'withdrawn_stopped') and r < e + interval 1 day and f >= s and f < e + interval 1 day
);

create or replace macro tthc_is_in_progress(r, f, grp, e) as (
    grp <> 'refused' and r < e + interval 1 day and (f is null or f >= e + interval 1 day)
);

-- a flat struct_pack: DuckDB evaluates the repeated state expressions once per row (common
-- subexpression elimination); the earlier list-comprehension form cost 2 s more per 10M cases
create or replace macro tthc_classify(r, f, d, grp, channel, s, e, horizon) as (
    struct_pack(
        received := tthc_is_received(r, grp, s, e),
        received_online := tthc_is_received(r, grp, s, e) and channel = 'online',
        received_offline := tthc_is_received(r, grp, s, e) and channel <> 'online',
        -- a file without a channel column: neither online nor offline (counted apart)
        received_channel_unknown := tthc_is_received(r, grp, s, e) and channel is null,
        carried_over := grp <> 'refused' and r < s and (f is null or f >= s),
        refused_at_intake := grp = 'refused' and r >= s and r < e + interval 1 day,
        resolved := tthc_is_resolved(r, f, grp, s, e),
        resolved_early := tthc_is_resolved(r, f, grp, s, e) and f::date < d::date,
        resolved_on_time := tthc_is_resolved(r, f, grp, s, e) and f::date >= d::date and f <= tthc_deadline(d),
        resolved_late := tthc_is_resolved(r, f, grp, s, e) and f > tthc_deadline(d),
        withdrawn_stopped := grp = 'withdrawn_stopped' and r < e + interval 1 day
        and f >= s and f < e + interval 1 day,
        in_progress := tthc_is_in_progress(r, f, grp, e),
        in_progress_on_time := tthc_is_in_progress(r, f, grp, e) and tthc_deadline(d) >= horizon,
        in_progress_overdue := tthc_is_in_progress(r, f, grp, e) and tthc_deadline(d) < horizon
    )
);
