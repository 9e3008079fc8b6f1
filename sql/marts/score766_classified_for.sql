-- Grain: one row per case × period of period_list in which the case is alive (received by the
-- period's end and not finished before its start). Key: (case_id, period).
-- How each case counts in the case-data metrics of the 766 score (Quyết định 766/QĐ-TTg), from
-- the VPCP description "Mô tả công thức tính chỉ số 766" (transcribed in ChippedTopaz/qd766
-- web/src/formula-document.ts):
-- 2.1 TIEN_DO (and 5.4, which the portal fills from the same counts): cases received or handled in
--   the period; the end of processing is the first terminal state (finished_at: Đã xử lý xong before
--   Đã trả, then Dừng / Từ chối / Rút of an accepted case); a case still waiting for a supplement
--   ends at the request (supplement_requested_at, when the export carries it); a case without any
--   end by the period's end is on time while its deadline is not before the horizon (the end of the
--   period, or now). The due time is the exported one, else the statutory due day (statutory_due_at).
--   A case waiting for a supplement whose request ended before the period is no longer handled in
--   it.
-- 3.3, 3.6, 4.1, 4.2: cases received in the period (refused ones were never accepted; withdrawn and
--   stopped ones never get a result or a digitised result file: left out of 4.1 and 4.2).
-- units: see reporting_units. unit := a unit key keeps only that unit's cases (a case list of one unit).
create or replace macro score766_classified_for(period_list, as_of, units := 'recorded', unit := null) as table
    with p as (
        select
            *,
            least(period_end::timestamp + interval 86399 second, coalesce(as_of, tthc_local_now())) as horizon
        from (select unnest(period_list, recursive := true)) as listed
    ),

    no_fee_column as (
        -- files without a fee column: their cases' fees are unknown, not nil
        select sha256
        from ingested_files
        where list_contains(missing_columns, 'fee_amount')
    ),

    alive as (
        select
            coalesce(u.unit_key, c.unit_key) as unit_key,
            coalesce(u.commune_code, c.commune_code) as commune_code,
            coalesce(u.commune_name, c.commune_name) as commune_name,
            p.period,
            p.period_start,
            p.period_end,
            p.horizon,
            p.period_end::timestamp + interval 1 day as next_day,
            c.case_id,
            c.procedure_name,
            c.sector,
            c.status,
            st.status_group as grp,
            c.channel,
            c.is_digitized,
            c.fee_amount,
            c.is_paid_online,
            c.has_e_result,
            c.received_at,
            c.finished_at,
            c.supplement_requested_at,
            coalesce(c.due_at, c.statutory_due_at) as due_at,
            c.due_at is null and c.statutory_due_at is not null as due_from_statute,
            tthc_deadline(coalesce(c.due_at, c.statutory_due_at)) as deadline,
            c.source_sha256 in (select n.sha256 from no_fee_column as n) as fee_unknown
        from cases as c
        left join statuses as st on c.status = st.status
        left join reporting_units(units := units) as u on c.unit_key = u.recorded_key
        inner join p
            on
                c.received_at < p.period_end + interval 1 day
                and (c.finished_at is null or c.finished_at >= p.period_start)
        -- the same bounds over the whole list, constants the scan can filter by (min/max of the
        -- table's row groups): a month reads the cases of that month, not the whole table
        where
            c.received_at < list_max([x.period_end for x in period_list])::date + interval 1 day  -- noqa: RF01
            and (
                c.finished_at is null
                or c.finished_at >= list_min([x.period_start for x in period_list])::date  -- noqa: RF01
            )
            -- unit := one unit key: only its cases (and its predecessors' with units := 'current')
            and (
                unit is null
                or c.unit_key in (
                    select r.recorded_key from reporting_units(units := units) as r
                    where r.unit_key = unit
                )
            )
    ),

    ended as (
        select
            *,
            coalesce(grp, '') <> 'refused' as accepted,
            coalesce(grp, '') <> 'refused' and received_at >= period_start and received_at < next_day as received_in,
            -- the end of processing by the period's end: the finish (or a withdrawal, stop) first,
            -- else the supplement request of a case still waiting for it
            case
                when finished_at < next_day then finished_at
                when status = 'awaiting_supplement' and supplement_requested_at < next_day
                    then supplement_requested_at
            end as end_at,
            finished_at is null and status = 'awaiting_supplement' and supplement_requested_at is null
                as supplement_date_unknown
        from alive
    ),

    judged as (
        select
            *,
            accepted and deadline is not null and coalesce(end_at >= period_start, true) as progress_counted,
            case when end_at is not null then end_at <= deadline else deadline >= horizon end as on_time,
            received_in and coalesce(grp, '') <> 'withdrawn_stopped' as result_counted
        from ended
    )

    select
        unit_key,
        commune_code,
        commune_name,
        period,
        period_start,
        period_end,
        horizon,
        case_id,
        procedure_name,
        sector,
        status,
        received_at,
        due_at,
        due_from_statute,
        deadline,
        end_at,
        supplement_requested_at,
        received_in,
        -- 2.1 and 5.4
        progress_counted,
        progress_counted and on_time as progress_on_time,
        case
            when not progress_counted or on_time then null
            when end_at is null then 'overdue_in_progress'
            when end_at = supplement_requested_at and (finished_at is null or finished_at >= next_day)
                then 'supplement_after_due'
            else 'late'
        end as progress_reason,
        progress_counted and supplement_date_unknown as supplement_date_unknown,
        -- 3.3: of the cases received whose channel is known (a file without a channel column says
        -- nothing; an empty cell of a present column is trực tiếp, as the portal counts it)
        received_in and channel is not null as online_counted,
        received_in and channel = 'online' as online,
        received_in and channel is null as online_unknown,
        -- 3.6: of the cases received with a fee above 0 whose payment is known
        received_in and fee_amount > 0 and is_paid_online is not null as payment_counted,
        received_in and fee_amount > 0 and is_paid_online as paid_online,
        received_in and ((fee_amount > 0 and is_paid_online is null) or (fee_amount is null and fee_unknown))
            as payment_unknown,
        -- 4.1 and 4.2
        result_counted and has_e_result is not null as e_result_counted,
        result_counted and has_e_result as e_result,
        result_counted and has_e_result is null as e_result_unknown,
        result_counted and is_digitized is not null as digitised_counted,
        result_counted and is_digitized as digitised,
        result_counted and is_digitized is null as digitised_unknown
    from judged;
