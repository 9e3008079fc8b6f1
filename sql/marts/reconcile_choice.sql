-- Grain: one row per unit × Biểu 06 cell of the current reports of [start_date, end_date].
-- Key: (unit_key, cell).
-- Their figure, ours (TT 01/2020) and what explains the difference, in the order of the issue:
-- 1. a convention that reproduces their figure (the unit's best model, the one reproducing most of
--    its cells, first; then the others in reconcile_models order); 2. the same with the received
--    date read the other way; 3. with only the cases that existed at their export time; 4. cases they
--    count that no export of ours holds: the first model whose shortfall against their figures is a
--    set of whole cases (every shortfall >= 0 and the form's sums hold on it). kind: match (ours =
--    theirs), model, missing, none, no_data (no case of the unit up to the period end).
create or replace macro reconcile_choice(start_date, end_date) as table
    with cells as (
        select
            column_name as cell,
            form_number
        from report_form_columns
        where official
    ),

    theirs as (
        select
            unit_key,
            cell,
            sum(value)::bigint as theirs
        from portal_figures
        where
            form = 'bieu06' and measure = 'count' and unit_key is not null and sector is null
            and row_kind in ('unit', 'total')
            and period_start = start_date::date and period_end = end_date::date
        group by unit_key, cell
    ),

    models as (
        select * from reconcile_models(start_date, end_date)
    ),

    flags as (
        select * from reconcile_flags(start_date, end_date)
    ),

    counts as (
        select
            m.unit_key,
            m.model,
            m.mord,
            cl.cell,
            count(f.case_id) as n
        from models as m
        cross join cells as cl
        left join flags as f on m.unit_key = f.unit_key and m.model = f.model and cl.cell = f.cell
        group by m.unit_key, m.model, m.mord, cl.cell
    ),

    units_then as (
        select * from reporting_units(
            units := case when end_date::date < date '2025-07-01' then 'recorded' else 'current' end
        )
    ),

    covered as (
        select distinct coalesce(u.unit_key, c.unit_key) as unit_key
        from cases as c
        left join units_then as u on c.unit_key = u.recorded_key
        where c.received_at < end_date::date + interval 1 day
    ),

    compared as (
        select
            c.*,
            t.theirs,
            c.n = t.theirs as reproduces
        from counts as c
        inner join theirs as t on c.unit_key = t.unit_key and c.cell = t.cell
    ),

    best as (
        select
            unit_key,
            arg_min(model, struct_pack(misses, mord)) as best_model
        from (
            select
                unit_key,
                model,
                min(mord) as mord,
                count_if(not reproduces) as misses
            from compared
            group by unit_key, model
        ) as per_model
        group by unit_key
    ),

    explained_by as (
        select
            c.unit_key,
            c.cell,
            arg_min(c.model, struct_pack(not_best := c.model <> b.best_model, c.mord)) as model
        from compared as c
        inner join best as b on c.unit_key = b.unit_key
        where c.reproduces
        group by c.unit_key, c.cell
    ),

    shortfalls as (
        select
            unit_key,
            model,
            min(mord) as mord,
            max(theirs - n) filter (where cell = 'received_total') as r3,
            max(theirs - n) filter (where cell = 'received_online') as r4,
            max(theirs - n) filter (where cell = 'received_offline') as r5,
            max(theirs - n) filter (where cell = 'carried_over') as r6,
            max(theirs - n) filter (where cell = 'resolved_total') as r7,
            max(theirs - n) filter (where cell = 'resolved_early') as r8,
            max(theirs - n) filter (where cell = 'resolved_on_time') as r9,
            max(theirs - n) filter (where cell = 'resolved_late') as r10,
            max(theirs - n) filter (where cell = 'in_progress_total') as r11,
            max(theirs - n) filter (where cell = 'in_progress_on_time') as r12,
            max(theirs - n) filter (where cell = 'in_progress_overdue') as r13,
            min(theirs - n) as lowest
        from compared
        group by unit_key, model
    ),

    missing as (
        select
            unit_key,
            arg_min(model, mord) as model,
            arg_min(r3, mord) as missing_cases
        from shortfalls
        where
            lowest >= 0 and r3 > 0
            and r3 = r4 + r5 + r6 and r7 = r8 + r9 + r10 and r11 = r12 + r13 and r3 = r7 + r11
        group by unit_key
    ),

    ours as (
        select
            unit_key,
            cell,
            n as ours
        from counts
        where model = 'tt01_2020'
    ),

    chosen as (
        select
            t.unit_key,
            t.cell,
            cl.form_number,
            t.theirs,
            cv.unit_key is not null as has_case_data,
            o.ours,
            case
                when cv.unit_key is null then 'no_data'
                when o.ours = t.theirs then 'match'
                when e.model is not null then 'model'
                when mi.model is not null then 'missing'
                else 'none'
            end as kind,
            coalesce(e.model, mi.model) as model,
            mi.missing_cases,
            t.theirs - mc.n as shortfall
        from theirs as t
        inner join cells as cl on t.cell = cl.cell
        left join covered as cv on t.unit_key = cv.unit_key
        left join ours as o on t.unit_key = o.unit_key and t.cell = o.cell
        left join explained_by as e on t.unit_key = e.unit_key and t.cell = e.cell
        left join missing as mi on t.unit_key = mi.unit_key
        left join counts as mc on mi.unit_key = mc.unit_key and mi.model = mc.model and t.cell = mc.cell
    )

    select
        c.unit_key,
        c.cell,
        c.form_number,
        case when c.has_case_data then c.ours end as ours,
        c.theirs,
        c.kind,
        case when c.kind in ('model', 'missing') then c.model end as model,
        m.convention,
        m.label,
        m.variant,
        m.known_at,
        case when c.kind = 'missing' then c.shortfall end as shortfall,
        case when c.kind = 'missing' then c.missing_cases end as missing_cases
    from chosen as c
    left join models as m on c.unit_key = m.unit_key and c.model = m.model;
