-- Biểu số 06/VPCP/KSTT per commune × period × sector, plus the all-sectors row (sector NULL).
create or replace macro report_form_for(period_list, as_of, units := 2024) as table
    with k as (
        select * from classified_for(period_list, as_of, units := units)
    ),

    counted as (
        select
            commune_code,
            commune_name,
            period,
            period_start,
            period_end,
            sector,
            count(*) filter (where k.received_online) as received_online,
            count(*) filter (where k.received_offline) as received_offline,
            count(*) filter (where k.carried_over) as carried_over,
            count(*) filter (where k.resolved) as resolved_total,
            count(*) filter (where k.resolved_early) as resolved_early,
            count(*) filter (where k.resolved_on_time) as resolved_on_time,
            count(*) filter (where k.resolved_late) as resolved_late,
            count(*) filter (where k.in_progress) as in_progress_total,
            count(*) filter (where k.in_progress_on_time) as in_progress_on_time,
            count(*) filter (where k.in_progress_overdue) as in_progress_overdue,
            count(*) filter (where k.withdrawn_stopped) as withdrawn_stopped,
            count(*) filter (where k.refused_at_intake) as refused_at_intake
        from k
        group by grouping sets (
            (commune_code, commune_name, period, period_start, period_end, sector),
            (commune_code, commune_name, period, period_start, period_end)
        )
    )

    select
        commune_code,
        commune_name,
        period,
        period_start,
        period_end,
        sector,
        received_online + received_offline + carried_over as received_total,
        received_online,
        received_offline,
        carried_over,
        resolved_total,
        resolved_early,
        resolved_on_time,
        resolved_late,
        in_progress_total,
        in_progress_on_time,
        in_progress_overdue,
        withdrawn_stopped,
        refused_at_intake
    from counted;

create or replace macro tthc_period_label(s, e) as (
    strftime(s::date, '%Y-%m-%d') || '..' || strftime(e::date, '%Y-%m-%d')
);

create or replace macro report_form_between(start_date, end_date, as_of := null, units := 2024) as table
    select * from report_form_for(
        [{'period': tthc_period_label(start_date, end_date),
          'period_start': start_date::date, 'period_end': end_date::date}],
        as_of, units := units);
