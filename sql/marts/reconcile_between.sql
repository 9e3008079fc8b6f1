-- Grain: one row per unit × form × cell of their current reports for [start_date, end_date].
-- Key: (unit_key, form, cell). A Biểu 06 cell is a report_form column (measure count); a 766 cell
-- is the portal's metric code and one of its figures, <metric>.<measure> (TIEN_DO.numerator,
-- TIEN_DO.denominator, TIEN_DO.rate_pct, TIEN_DO.points: as the portal's response gives them).
-- Their figures beside ours (TT 01/2020) and why they differ (reconcile_choice): khớp; a
-- convention (named) that reproduces theirs, with the received date read the other way, with only
-- the cases that existed at their export time; thiếu N hồ sơ trong các tệp đã nạp; or chưa giải
-- thích được (with the report's own sums that do not hold). A unit with no case data: ours NULL,
-- "chưa có số liệu từ tệp xuất hồ sơ", never a 100 % difference. The portal's 766 figures beside our
-- 766 score (reconcile766_choice): form 766.
create or replace macro reconcile_between(start_date, end_date, unit := null) as table
    with choice as (
        select
            unit_key,
            cell,
            any_value(form_number) as form_number,
            any_value(ours) as ours,
            any_value(theirs) as theirs,
            any_value(kind) as kind,
            any_value(model) as model,
            any_value(label) as label,
            any_value(variant) as variant,
            any_value(known_at) as known_at,
            any_value(counted_otherwise) as counted_otherwise,
            any_value(shortfall) as shortfall,
            any_value(missing_cases) as missing_cases,
            nullif(count(case_id), 0) as cases
        from reconcile_choice(start_date, end_date, unit := unit)
        group by unit_key, cell
    ),

    reports as (
        select
            unit_key,
            any_value(system) as system,
            string_agg(distinct source_file, ', ') as source_file,
            max(exported_at) as exported_at,
            flatten(list(findings)) as findings
        from portal_reports
        where
            is_current and form = 'bieu06' and unit_key is not null
            and period_start = start_date::date and period_end = end_date::date
            and (unit is null or unit_key = unit)
        group by unit_key
    ),

    -- the 766 side: one row per metric × measure, the cases counted once
    choice766 as (
        select
            unit_key,
            cell,
            measure,
            any_value(mpos) as mpos,
            any_value(ours) as ours,
            any_value(theirs) as theirs,
            any_value(explained) as explained,
            any_value(explanation) as explanation,
            any_value(model) as model,
            nullif(count(case_id), 0) as cases
        from reconcile766_choice(start_date, end_date, unit := unit)
        group by unit_key, cell, measure
    ),

    reports766 as (
        select
            unit_key,
            cell,
            any_value(system) as system,
            string_agg(distinct source_file, ', ') as source_file,
            max(exported_at) as exported_at
        from portal_figures
        where
            form = '766' and unit_key is not null
            and period_start = start_date::date and period_end = end_date::date
            and (unit is null or unit_key = unit)
        group by unit_key, cell
    )

    select
        c.unit_key,
        'bieu06' as form,
        c.cell,
        'count' as measure,
        c.ours::double as ours,
        c.theirs::double as theirs,
        c.theirs - c.ours as difference,
        c.kind in ('match', 'model', 'missing') as explained,
        case c.kind
            when 'no_data' then 'chưa có số liệu từ tệp xuất hồ sơ'
            when 'match' then 'khớp'
            when 'model'
                then
                    tthc_reconcile_words(c.label, c.variant, c.known_at)
                    || coalesce(' (' || c.cases || ' hồ sơ)', '')
            when 'missing'
                then
                    case
                        when c.counted_otherwise
                            then tthc_reconcile_words(c.label, c.variant, c.known_at) || '; '
                        else ''
                    end
                    || 'thiếu ' || c.missing_cases || ' hồ sơ trong các tệp đã nạp ('
                    || c.shortfall || ' ở ô này: báo cáo của họ có, tệp xuất hồ sơ đã nạp không có)'
            else
                'chưa giải thích được'
                || coalesce('; báo cáo của họ không tự khớp: ' || r.findings[1], '')
        end as explanation,
        tthc_period_label(start_date, end_date) as period,
        c.form_number,
        r.system,
        r.source_file,
        r.exported_at,
        c.model,
        c.cases
    from choice as c
    left join reports as r on c.unit_key = r.unit_key

    union all by name

    select
        c.unit_key,
        '766' as form,
        c.cell || '.' || c.measure as cell,
        c.measure,
        c.ours::double as ours,
        c.theirs,
        round(c.theirs - c.ours, 2) as difference,
        c.explained,
        c.explanation,
        tthc_period_label(start_date, end_date) as period,
        null::integer as form_number,
        r.system,
        r.source_file,
        r.exported_at,
        c.model,
        c.cases
    from choice766 as c
    left join reports766 as r on c.unit_key = r.unit_key and c.cell = r.cell;
