-- Grain: as period_counts (commune × period × sector, sector NULL = all sectors).
-- Key: (unit_key, period, sector).
-- Biểu số 06/VPCP/KSTT (Thông tư 01/2020/TT-VPCP): the columns of report_form from a
-- period_counts result named `counts` (a table or a CTE), in the order of
-- schemas/report_form_columns.csv (a test checks it).
create or replace macro report_form_of(counts) as table
    select
        unit_key,
        commune_code,
        commune_name,
        period,
        period_start,
        period_end,
        sector,
        received_total,
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
        refused_at_intake,
        received_channel_unknown
    from query_table(counts);
