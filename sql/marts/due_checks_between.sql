-- Grain: one row per case received in [start_date, end_date] whose due time breaks the statute.
-- Key: case_id.
-- "Hẹn trả sai quy định": the exported due time is later than the procedure's statutory time allows,
-- counted on the working-day calendar (statutory_dues: with the longest lawful extension, e.g.
-- verification, when the statute gives one). A supplement moves the due time lawfully: cases with a
-- supplement request are left out, since the export does not say by how much it moved.
create or replace macro due_checks_between(start_date, end_date, units := 'recorded') as table
    with received as (
        select
            c.case_id as row_key,
            c.procedure_code,
            c.procedure_name,
            c.received_at,
            c.due_at,
            coalesce(u.unit_key, c.unit_key) as unit_key,
            coalesce(u.commune_name, c.commune_name) as commune_name,
            u.unit_type
        from cases as c
        left join reporting_units(units := units) as u on c.unit_key = u.recorded_key
        where
            c.received_at >= start_date::date
            and c.received_at < end_date::date + interval 1 day
            and c.due_at is not null
            and c.supplement_requested_at is null
            and c.status <> 'refused'
    )

    select
        r.row_key as case_id,
        r.unit_key,
        coalesce(r.unit_type || ' ', '') || r.commune_name as unit_name,
        r.procedure_name,
        d.statutory_code as procedure_code,
        r.received_at,
        r.due_at,
        d.statutory_due_at,
        coalesce(d.statutory_max_due_at, d.statutory_due_at) as statutory_max_due_at,
        s.basis,
        'hẹn trả sai quy định' as check_text
    from received as r
    inner join statutory_dues('received') as d on r.row_key = d.row_key
    left join statutory_times as s on d.statutory_code = s.procedure_code
    where tthc_deadline(r.due_at) > tthc_deadline(coalesce(d.statutory_max_due_at, d.statutory_due_at));
