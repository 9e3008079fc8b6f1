-- Grain: one row per unit × Biểu 06 cell of the current reports of [start_date, end_date] × case
-- the chosen way of counting counts differently from ours in that cell (case_id NULL: none).
-- Key: (unit_key, cell, case_id).
-- Their figure, ours (TT 01/2020) and what explains the difference, in the order of the issue:
-- 1. a convention that reproduces their figures; 2. the same with the received date read the other
-- way (filing vs reception); 3. with only the cases that existed at their export time; 4. cases
-- they count that no export of ours holds. One way of counting is chosen per unit (reconcile_models
-- order, fewest missing cases first): the first that reproduces every cell, or every cell but for a
-- shortfall that is a set of whole cases (>= 0 everywhere, the form's sums holding on it). A unit no
-- way explains whole is explained cell by cell (the model reproducing most of its cells first).
-- kind: match (ours = theirs), model, missing, none, no_data (no case of the unit up to the period end).
create or replace macro reconcile_choice(start_date, end_date, unit := null) as table
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
            and (unit is null or unit_key = unit)
        group by unit_key, cell
    ),

    models as (
        select * from reconcile_models(start_date, end_date, unit := unit)
    ),

    -- read twice below (the counts, the cases behind them): computed once
    flags as materialized (
        select * from reconcile_flags(start_date, end_date, unit := unit)
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
            min(theirs - n) as lowest,
            count_if(not reproduces) as misses
        from compared
        group by unit_key, model
    ),

    -- one way of counting for the whole unit: the first (fewest cases missing, then in order) that
    -- reproduces every cell, or every cell but for cases they count and we do not hold (a shortfall
    -- >= 0 everywhere on which the form's sums hold)
    unit_model as (
        select
            unit_key,
            arg_min(model, struct_pack(r3, mord)) as model,
            min(r3) as missing_cases
        from shortfalls
        where
            lowest >= 0
            and r3 = r4 + r5 + r6 and r7 = r8 + r9 + r10 and r11 = r12 + r13 and r3 = r7 + r11
        group by unit_key
    ),

    -- without one: cell by cell, the model reproducing the most cells of the unit first, then in order
    best as (
        select
            unit_key,
            arg_min(model, struct_pack(misses, mord)) as best_model
        from shortfalls
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
            um.model as unit_model,
            um.missing_cases,
            t.theirs - mc.n as shortfall,
            mc.n = o.ours as same_as_ours,
            e.model as cell_model,
            case
                when cv.unit_key is null then 'no_data'
                when o.ours = t.theirs then 'match'
                when mc.n = t.theirs then 'model'
                when um.model is not null then 'missing'
                when e.model is not null then 'model'
                else 'none'
            end as kind
        from theirs as t
        inner join cells as cl on t.cell = cl.cell
        left join covered as cv on t.unit_key = cv.unit_key
        left join ours as o on t.unit_key = o.unit_key and t.cell = o.cell
        left join unit_model as um on t.unit_key = um.unit_key
        left join counts as mc on um.unit_key = mc.unit_key and um.model = mc.model and t.cell = mc.cell
        left join explained_by as e on t.unit_key = e.unit_key and t.cell = e.cell
    ),

    decided as (
        select
            *,
            case
                when kind = 'model' then coalesce(case when shortfall = 0 then unit_model end, cell_model)
                when kind = 'missing' then unit_model
            end as model
        from chosen
    ),

    result as (
        select
            c.unit_key,
            c.cell,
            c.form_number,
            case when c.has_case_data then c.ours end as ours,
            c.theirs,
            c.kind,
            c.model,
            m.convention,
            m.label,
            m.variant,
            m.known_at,
            -- the way of counting changes this cell (else a shortfall is the missing cases alone)
            c.kind = 'model' or (c.kind = 'missing' and not c.same_as_ours) as counted_otherwise,
            case when c.kind = 'missing' then c.shortfall end as shortfall,
            case when c.kind = 'missing' then c.missing_cases end as missing_cases
        from decided as c
        left join models as m on c.unit_key = m.unit_key and c.model = m.model
    ),

    -- the cases behind an explained cell: counted in it by ours (h0) and by the chosen way (h3)
    -- differently, with the steps between (h1 the convention alone, h2 with the other reading)
    roles as (
        select
            unit_key,
            cell,
            'tt01_2020' as r0,
            convention as r1,
            case when variant in ('filed', 'filed_export') then convention || '+filed' else convention end as r2,
            model as r3
        from result
        where kind in ('model', 'missing') and model <> 'tt01_2020'
    ),

    hits as (
        select
            r.unit_key,
            r.cell,
            f.case_id,
            bool_or(f.model = r.r0) as h0,
            bool_or(f.model = r.r1) as h1,
            bool_or(f.model = r.r2) as h2,
            bool_or(f.model = r.r3) as h3
        from roles as r
        inner join flags as f
            on r.unit_key = f.unit_key and r.cell = f.cell and f.model in (r.r0, r.r1, r.r2, r.r3)
        group by r.unit_key, r.cell, f.case_id
    )

    select
        res.*,
        h.case_id,
        h.h0,
        h.h1,
        h.h2,
        h.h3
    from result as res
    left join hits as h on res.unit_key = h.unit_key and res.cell = h.cell and h.h0 <> h.h3;
