-- Grain: one row per unit × 766 cell (metric or group code) × measure of the portal's current 766
-- figures for [start_date, end_date] × case behind the difference (case_id NULL: none).
-- Key: (unit_key, cell, measure, case_id).
-- The portal's numerator, denominator, rate and points beside our 766 score and why they differ, in
-- the order of reconcile_choice: khớp; a counting difference we can name (our score as the cases
-- stood when the portal's figures were taken, the response's own time: cases received later left
-- out, a case ended later still open then and judged at that time); thiếu N hồ sơ (their
-- denominator above ours by N whole cases, their numerator by 0 to N); chưa giải thích được. The
-- rate and the points follow from the numerator and denominator: they are explained when the
-- portal's own rate and points are the 766 formula (tthc_pct, tthc_points766) on its own numerator
-- and denominator and those are explained. A metric the case exports cannot give, or that has no
-- case in our exports (denominator 0), is "chưa có số liệu" with the reason, never 0.
-- kind: match, model, missing, derived (rate or points from explained counts), none, not_computed,
-- no_theirs (the response's null), no_data (no case of the unit alive in the period).
create or replace macro reconcile766_choice(start_date, end_date, unit := null) as table
    with theirs as (
        select
            unit_key,
            cell,
            max(value) filter (where measure = 'numerator') as t_num,
            max(value) filter (where measure = 'denominator') as t_den,
            max(value) filter (where measure = 'rate_pct') as t_rate,
            max(value) filter (where measure = 'points') as t_points,
            max(value) filter (where measure = 'max_points') as t_max,
            max(exported_at) as known_at,
            list(distinct measure) as measures
        from portal_figures
        where
            form = '766' and unit_key is not null
            and period_start = start_date::date and period_end = end_date::date
            and (unit is null or unit_key = unit)
        group by unit_key, cell
    ),

    -- our cases of the period, classified once (score766_classified_for), units as the portal names
    -- them: today's for a period ending after 30/06/2025
    k0 as materialized (
        select *
        from
            score766_classified_for(
                [{
                    'period': tthc_period_label(start_date, end_date),
                    'period_start': start_date::date,
                    'period_end': end_date::date
                }],
                null,
                units := case when end_date::date < date '2025-07-01' then 'recorded' else 'current' end,
                unit := unit
            )
        where unit_key in (select t.unit_key from theirs as t)
    ),

    times as (
        select distinct
            unit_key,
            known_at
        from theirs
        where known_at is not null
    ),

    -- the same cases as they stood at each time the portal's figures were taken: received by then,
    -- an end after it not yet known, an open case on time while its deadline is not before that
    -- time (score766_classified_for's rule with the horizon at known_at); one "period" per time so
    -- score766_scored scores each apart
    k_at as (
        select
            k.* replace (
                'export@' || strftime(t.known_at, '%Y-%m-%d %H:%M:%S') as period,
                k.progress_counted and case
                    when k.end_at <= t.known_at then k.end_at <= k.deadline
                    else k.deadline >= least(k.horizon, t.known_at)
                end as progress_on_time
            )
        from k0 as k
        inner join times as t on k.unit_key = t.unit_key
        where k.received_at <= t.known_at
    ),

    s0 as (
        select * from score766_scored('k0')
    ),

    s_at as (
        select * from score766_scored('k_at')
    ),

    models as (
        select
            unit_key,
            metric_code,
            'score766' as model,
            0 as mord,
            null::timestamp as known_at,
            numerator,
            denominator
        from s0
        union all
        select
            s.unit_key,
            s.metric_code,
            'score766+export' as model,
            1 as mord,
            t.known_at,
            s.numerator,
            s.denominator
        from s_at as s
        inner join times as t
            on s.unit_key = t.unit_key and s.period = 'export@' || strftime(t.known_at, '%Y-%m-%d %H:%M:%S')
    ),

    -- every way of counting against their numerator and denominator: reproduced, or short by whole
    -- cases (their denominator d above ours, their numerator 0 to d above ours)
    tried as (
        select
            t.unit_key,
            t.cell,
            m.model,
            m.mord,
            m.known_at,
            m.numerator,
            m.denominator,
            coalesce(t.t_num = m.numerator, true) and coalesce(t.t_den = m.denominator, true) as reproduces,
            t.t_den - m.denominator as den_short,
            t.t_num - m.numerator as num_short
        from theirs as t
        inner join models as m
            on
                t.unit_key = m.unit_key and t.cell = m.metric_code
                and (m.model = 'score766' or t.known_at = m.known_at)
        where m.denominator > 0 and (t.t_num is not null or t.t_den is not null)
    ),

    chosen as (
        select
            unit_key,
            cell,
            arg_min(
                struct_pack(model, known_at, numerator, denominator, reproduces, den_short, num_short),
                struct_pack(
                    missing := case when reproduces then 0 else coalesce(den_short, num_short) end, mord
                )
            ) as c
        from tried
        where
            reproduces
            or (
                coalesce(den_short, 0) >= 0 and coalesce(num_short, 0) >= 0
                and (den_short is null or num_short is null or num_short <= den_short)
            )
        group by unit_key, cell
    ),

    cells as (
        select
            t.*,
            s.metric_code is not null as ours_metric,
            s.formula_kind,
            s.threshold_pct,
            s.max_points,
            s.numerator,
            s.denominator,
            s.rate_pct,
            s.points,
            s.note,
            m.formula_id,
            m.formula_kind as metric_kind,
            m.empty_note,
            g.label as group_label,
            t.unit_key in (select s0.unit_key from s0) as has_case_data,
            ch.c.model,
            ch.c.known_at as model_known_at,
            ch.c.numerator as m_num,
            ch.c.denominator as m_den,
            ch.c.reproduces,
            coalesce(ch.c.den_short, ch.c.num_short)::bigint as missing_cases
        from theirs as t
        left join s0 as s on t.unit_key = s.unit_key and t.cell = s.metric_code
        left join score766_metrics as m on t.cell = m.metric_code
        left join score766_groups as g on t.cell = g.group_code
        left join chosen as ch on t.unit_key = ch.unit_key and t.cell = ch.cell
    ),

    -- one row per measure the portal's response gives (mpos orders them)
    measured as (
        select
            *,
            'numerator' as measure,
            1 as mpos,
            t_num as theirs,
            numerator as ours,
            m_num as m_value
        from cells
        where list_contains(measures, 'numerator')
        union all
        select
            *,
            'denominator' as measure,
            2 as mpos,
            t_den as theirs,
            denominator as ours,
            m_den as m_value
        from cells
        where list_contains(measures, 'denominator')
        union all
        select
            *,
            'rate_pct' as measure,
            3 as mpos,
            t_rate as theirs,
            rate_pct as ours,
            null as m_value
        from cells
        where list_contains(measures, 'rate_pct')
        union all
        select
            *,
            'points' as measure,
            4 as mpos,
            t_points as theirs,
            points as ours,
            null as m_value
        from cells
        where list_contains(measures, 'points')
    ),

    words as (
        select
            *,
            case
                when measure = 'numerator' then 'tử số'
                when measure = 'denominator' then 'mẫu số'
            end as measure_word,
            'chỉ các hồ sơ đã có lúc Cổng DVCQG lấy số liệu ('
            || strftime(model_known_at, '%d/%m/%Y %H:%M')
            || '), hồ sơ chưa xong xét hạn tại lúc đó' as export_words,
            -- their rate and points as the 766 formula gives them on their own numerator and denominator
            abs(tthc_pct(t_num, t_den) - t_rate) <= 0.01 as rate_holds,
            abs(tthc_points766(coalesce(t_max, max_points), threshold_pct, t_num, t_den) - t_points) <= 0.01
                as points_hold
        from measured
    ),

    counted as (
        select
            *,
            case
                when not has_case_data then 'no_data'
                when not ours_metric then 'not_computed'
                when formula_kind = 'not_from_cases' or denominator = 0 or ours is null then 'not_computed'
                when theirs is null then 'no_theirs'
                when measure in ('numerator', 'denominator') and ours = theirs then 'match'
                when measure in ('rate_pct', 'points') and abs(ours - theirs) <= 0.01 then 'match'
                when measure in ('numerator', 'denominator') and reproduces then 'model'
                when measure in ('numerator', 'denominator') and model is not null then 'missing'
                when
                    measure = 'rate_pct' and rate_holds and model is not null
                    then 'derived'
                when
                    measure = 'points' and points_hold and model is not null
                    then 'derived'
                else 'none'
            end as kind
        from words
    ),

    explained as (
        select
            *,
            case
                when model = 'score766+export' and reproduces then export_words
                when model = 'score766+export'
                    then export_words || '; thiếu ' || missing_cases || ' hồ sơ trong các tệp đã nạp'
                else 'thiếu ' || missing_cases || ' hồ sơ trong các tệp đã nạp'
            end as count_words
        from counted
    ),

    -- the cases our score counts otherwise at their time, per metric: in our denominator and not in
    -- theirs (received after their time), in our numerator and not in theirs or the other way round
    -- (received after, or open then and judged on time then)
    metric_flags as (
        select
            k.unit_key,
            m.metric_code as cell,
            k.case_id,
            k.received_at,
            k.end_at,
            k.due_at,
            t.known_at,
            case m.metric_code
                when 'TIEN_DO' then k.progress_counted
                when 'DOSSIER_RECEIVING_SATISFACTION' then k.progress_counted
                when 'ONLINE_DOSSIER' then k.online_counted
                when 'ONLINE_PAYMENT_DOSSIER' then k.payment_counted
                when 'ORIGINAL_RESULT_AVAILABLE' then k.e_result_counted
                when 'SO_HOA_GIAY_TO_GIAI_QUYET' then k.digitised_counted
                else false
            end as counted,
            case m.metric_code
                when 'TIEN_DO' then k.progress_on_time
                when 'DOSSIER_RECEIVING_SATISFACTION' then k.progress_on_time
                when 'ONLINE_DOSSIER' then k.online
                when 'ONLINE_PAYMENT_DOSSIER' then k.paid_online
                when 'ORIGINAL_RESULT_AVAILABLE' then k.e_result
                when 'SO_HOA_GIAY_TO_GIAI_QUYET' then k.digitised
                else false
            end as in_numerator,
            m.metric_code in ('TIEN_DO', 'DOSSIER_RECEIVING_SATISFACTION')
            and coalesce(a.progress_on_time <> k.progress_on_time, false) as judged_otherwise
        from k0 as k
        inner join times as t on k.unit_key = t.unit_key
        cross join score766_metrics as m
        left join k_at as a
            on k.case_id = a.case_id and a.period = 'export@' || strftime(t.known_at, '%Y-%m-%d %H:%M:%S')
    ),

    moved as (
        select
            unit_key,
            cell,
            case_id,
            known_at,
            received_at > known_at as in_denominator,
            (received_at > known_at and coalesce(in_numerator, false))
            or (received_at <= known_at and judged_otherwise) as in_numerator,
            case
                when received_at > known_at
                    then
                        'tiếp nhận ' || strftime(received_at, '%d/%m/%Y %H:%M')
                        || ', sau lúc Cổng DVCQG lấy số liệu (' || strftime(known_at, '%d/%m/%Y %H:%M')
                        || '): kho tính vào mẫu số'
                        || case when in_numerator then ' và tử số' else '' end
                when end_at > known_at
                    then
                        'kết thúc xử lý ' || strftime(end_at, '%d/%m/%Y %H:%M')
                        || ', sau lúc Cổng DVCQG lấy số liệu (' || strftime(known_at, '%d/%m/%Y %H:%M')
                        || '), hẹn trả ' || strftime(due_at, '%d/%m/%Y %H:%M')
                        || ': lúc đó còn trong hạn, kho tính trễ hạn'
                else
                    'chưa xong, hẹn trả ' || strftime(due_at, '%d/%m/%Y %H:%M')
                    || ': lúc Cổng DVCQG lấy số liệu (' || strftime(known_at, '%d/%m/%Y %H:%M')
                    || ') còn trong hạn, kho tính quá hạn'
            end as why
        from metric_flags
        where counted and (received_at > known_at or judged_otherwise)
    )

    select
        e.unit_key,
        e.cell,
        e.measure,
        e.mpos,
        coalesce(e.formula_id, e.cell) as cell_number,
        case when e.kind not in ('no_data', 'not_computed') then e.ours end as ours,
        e.theirs,
        e.kind,
        e.model,
        e.model_known_at as known_at,
        case e.kind
            when 'no_data' then 'chưa có số liệu từ tệp xuất hồ sơ'
            when 'not_computed'
                then
                    case
                        when not e.ours_metric and e.group_label is not null
                            then
                                'chưa có số liệu: kho tính từng chỉ số, không tính điểm của cả nhóm «' || e.group_label
                                || '» (gồm cả chỉ số không tính được từ tệp xuất hồ sơ)'
                        when not e.ours_metric then 'chưa có số liệu: kho không có chỉ số ' || e.cell
                        when e.formula_kind = 'not_from_cases' then 'chưa có số liệu: ' || e.empty_note
                        else coalesce(e.note, 'chưa có số liệu')
                    end
            when 'no_theirs' then 'chưa có số liệu từ Cổng DVCQG (phản hồi để trống)'
            when 'match' then 'khớp'
            when 'model' then e.export_words
            when 'missing'
                then
                    e.count_words || ' (' || (e.theirs - e.m_value)::bigint || ' ở ' || e.measure_word
                    || ': Cổng DVCQG có, tệp xuất hồ sơ đã nạp không có)'
            when 'derived'
                then
                    case when e.measure = 'rate_pct' then 'tỷ lệ' else 'điểm' end
                    || ' theo công thức 766 trên tử số, mẫu số của họ (' || e.t_num::bigint || '/' || e.t_den::bigint
                    || '): ' || e.count_words
                    || case
                        when e.measure = 'points' and e.t_max <> e.max_points
                            then '; điểm tối đa của họ ' || e.t_max || ', của kho ' || e.max_points
                        else ''
                    end
            else
                'chưa giải thích được'
                || case
                    when e.measure = 'rate_pct' and not e.rate_holds
                        then '; tỷ lệ của họ không bằng tử số / mẫu số của họ'
                    when e.measure = 'points' and not e.points_hold
                        then '; điểm của họ không theo công thức 766 trên tử số, mẫu số của họ'
                    else ''
                end
        end as explanation,
        e.kind in ('match', 'model', 'missing', 'derived') as explained,
        h.case_id,
        h.why
    from explained as e
    left join moved as h
        on
            e.unit_key = h.unit_key and e.cell = h.cell and e.known_at = h.known_at
            and e.model = 'score766+export' and e.kind in ('model', 'missing')
            and e.ours <> e.m_value
            and (
                (e.measure = 'denominator' and h.in_denominator)
                or (e.measure = 'numerator' and h.in_numerator)
            );
