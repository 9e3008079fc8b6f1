-- Grain: one row per unit × period × sector, plus one all-sectors row (sector NULL) per
-- unit × period. Key: (unit_key, period, sector).
-- Counts of every classification group: the one aggregation behind report_form (Biểu 06) and
-- indicators. Cases are classified and counted once per sector; the all-sectors row adds up the
-- sector rows (a few hundred rows, not a second pass over the classified cases).
-- received_total is counted on its own (received in the period or carried over), so the Biểu 06
-- identity received_total = received_online + received_offline + received_channel_unknown
-- + carried_over is a real check.
-- convention (counting_conventions): the cases classified as another system counts them
-- (classified_as); the default 'tt01_2020' with no reading and no known_at is this project's own
-- classification (classified_for), the other branch is then pruned by the planner.
create or replace macro period_counts(
    period_list, as_of, units := 'recorded', convention := 'tt01_2020', reading := null, known_at := null
) as table
    with k as (
        select * from classified_for(period_list, as_of, units := units)  -- noqa: AM07
        where convention = 'tt01_2020' and reading is null and known_at is null
        union all by name
        -- the same columns as classified_for (a test checks it)
        select * exclude (model)  -- noqa: AM07
        from
            classified_as(
                period_list,
                as_of,
                [{
                    'model': convention::varchar, 'convention': convention::varchar, 'reading': reading::varchar,
                    'known_at': known_at::timestamp, 'unit_key': null::varchar
                }],
                units := units
            )
        where not (convention = 'tt01_2020' and reading is null and known_at is null)
    ),

    by_sector as (
        select
            unit_key,
            commune_code,
            commune_name,
            period,
            period_start,
            period_end,
            sector,
            count(*) filter (where k.received or k.carried_over) as received_total,
            count(*) filter (where k.received_online) as received_online,
            count(*) filter (where k.received_offline) as received_offline,
            count(*) filter (where k.carried_over) as carried_over,
            count(*) filter (where k.received_channel_unknown) as received_channel_unknown,
            count(*) filter (where k.resolved) as resolved_total,
            count(*) filter (where k.resolved_early) as resolved_early,
            count(*) filter (where k.resolved_on_time) as resolved_on_time,
            count(*) filter (where k.resolved_late) as resolved_late,
            count(*) filter (where k.in_progress) as in_progress_total,
            count(*) filter (where k.in_progress_on_time) as in_progress_on_time,
            count(*) filter (where k.in_progress_overdue) as in_progress_overdue,
            count(*) filter (where k.withdrawn_stopped) as withdrawn_stopped,
            count(*) filter (where k.refused_at_intake) as refused_at_intake,
            count(*) filter (where k.received) as received_in_period,
            count(*) filter (where k.resolved and channel = 'online') as resolved_online,
            count(*) filter (where k.resolved and channel is null) as resolved_channel_unknown,
            count(*) filter (where k.resolved and is_digitized) as resolved_digitized,
            count(*) filter (where k.resolved and is_digitized is not null) as digitized_known,
            count(*) filter (where k.received and fee_amount > 0 and is_paid_online) as paid_online,
            count(*) filter (where k.received and fee_amount > 0 and is_paid_online is not null) as paid_known,
            count(*) filter (where k.resolved and has_e_result) as e_result,
            count(*) filter (where k.resolved and has_e_result is not null) as e_result_known,
            -- whole seconds summed as integers: a sum of doubles would depend on the order threads add them
            sum(date_diff('second', received_at, finished_at)) filter (where k.resolved) as resolution_seconds
        from k
        group by unit_key, commune_code, commune_name, period, period_start, period_end, sector
    ),

    all_sectors as (
        select
            unit_key,
            commune_code,
            commune_name,
            period,
            period_start,
            period_end,
            null::varchar as sector,
            sum(columns(* exclude (
                unit_key, commune_code, commune_name, period, period_start, period_end, sector,
                resolution_seconds
            )))::bigint,
            sum(resolution_seconds)::bigint as resolution_seconds
        from by_sector
        group by unit_key, commune_code, commune_name, period, period_start, period_end
    )

    -- columns(*) above expands to the same columns, matched by name
    select * from by_sector  -- noqa: AM07
    union all by name
    select * from all_sectors;
