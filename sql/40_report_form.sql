-- Biểu số 06/VPCP/KSTT per commune × period × sector, plus the all-sectors row (sector NULL),
-- as columns of a period_counts result named `counts` (a table or a CTE).
create or replace macro report_form_of(counts) as table
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
    from query_table(counts);

create or replace macro report_form_for(period_list, as_of, units := 2024) as table
    with pc as (
        select * from period_counts(period_list, as_of, units := units)
    )
    select * from report_form_of('pc');

create or replace macro tthc_period_label(s, e) as (
    strftime(s::date, '%Y-%m-%d') || '..' || strftime(e::date, '%Y-%m-%d')
);

create or replace macro report_form_between(start_date, end_date, as_of := null, units := 2024) as table
    select * from report_form_for(
        [{'period': tthc_period_label(start_date, end_date),
          'period_start': start_date::date, 'period_end': end_date::date}],
        as_of, units := units);
