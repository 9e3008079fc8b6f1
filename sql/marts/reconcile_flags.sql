-- Grain: one row per case × model × Biểu 06 cell the case counts in under that model, for the
-- units with a current Biểu 06 report of [start_date, end_date]. Key: (unit_key, model, case_id, cell).
-- The cases behind every figure of every model of reconcile_models; units are today's when the
-- period ends after 30/06/2025 (as the report names them), else the units of that time.
create or replace macro reconcile_flags(start_date, end_date, unit := null) as table
    with classified as (
        select
            unit_key,
            model,
            case_id,
            k
        from
            classified_as(
                [{
                    'period': tthc_period_label(start_date, end_date),
                    'period_start': start_date::date,
                    'period_end': end_date::date
                }],
                null,
                (
                    select
                        list({
                            'model': model, 'convention': convention, 'reading': reading, 'known_at': known_at,
                            'unit_key': unit_key
                        })
                    from reconcile_models(start_date, end_date, unit := unit)
                ),
                units := case when end_date::date < date '2025-07-01' then 'recorded' else 'current' end
            )
    ),

    cells as (
        select
            unit_key,
            model,
            case_id,
            unnest([
                { 'cell': 'received_total', 'hit': k.received or k.carried_over },
                { 'cell': 'received_online', 'hit': k.received_online },
                { 'cell': 'received_offline', 'hit': k.received_offline },
                { 'cell': 'carried_over', 'hit': k.carried_over },
                { 'cell': 'resolved_total', 'hit': k.resolved },
                { 'cell': 'resolved_early', 'hit': k.resolved_early },
                { 'cell': 'resolved_on_time', 'hit': k.resolved_on_time },
                { 'cell': 'resolved_late', 'hit': k.resolved_late },
                { 'cell': 'in_progress_total', 'hit': k.in_progress },
                { 'cell': 'in_progress_on_time', 'hit': k.in_progress_on_time },
                { 'cell': 'in_progress_overdue', 'hit': k.in_progress_overdue }
            ], recursive := true) as cell_hit
        from classified
    )

    select
        unit_key,
        model,
        case_id,
        cell
    from cells
    where hit;
