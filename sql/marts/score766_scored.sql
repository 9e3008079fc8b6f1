-- Grain: one row per unit × period × metric of score766_metrics, for the units with a case alive in
-- the period. Key: (unit_key, period, metric_code).
-- The 766 score from a score766_classified_for result named `classified` (a table or a CTE), so a
-- query that also needs the cases (score766_cases_for) classifies them once. Every metric of
-- schemas/score766_metrics.csv gets its numerator, denominator, rate and points, or NULL points with
-- the reason in `note` (never 0 for "unknown"). Points by formula kind (the metric's row says which):
--   ratio: min(max, max × rate / threshold), e.g. TIEN_DO 20 × rate
--          (ChippedTopaz/qd766/docs/SCORING_ANALYSIS_M0.md: "điểm = 20 × tỷ lệ đúng hạn"),
--          DOSSIER_RECEIVING_SATISFACTION
--          min(6, 6 × rate / 0.9), ORIGINAL_RESULT_AVAILABLE min(6, 6 × rate);
--   share: the rate only, points "chưa xác định công thức" (the portal's DVCTT formula is not public);
--   not_from_cases: nothing the case exports can give (note: what it needs).
-- points_recoverable: what the unit gains if every case score766_cases_for lists had been right
-- (the rate would be 100 %): max_points - points.
create or replace macro score766_scored(classified) as table
    with counted as (
        select
            unit_key,
            any_value(commune_code) as commune_code,
            any_value(commune_name) as commune_name,
            period,
            period_start,
            period_end,
            count(*) filter (where progress_counted) as progress_den,
            count(*) filter (where progress_on_time) as progress_num,
            count(*) filter (where supplement_date_unknown) as supplement_date_unknown,
            count(*) filter (where progress_counted and due_from_statute) as due_from_statute,
            count(*) filter (where online_counted) as online_den,
            count(*) filter (where online) as online_num,
            count(*) filter (where online_unknown) as online_unknown,
            count(*) filter (where payment_counted) as payment_den,
            count(*) filter (where paid_online) as payment_num,
            count(*) filter (where payment_unknown) as payment_unknown,
            count(*) filter (where e_result_counted) as e_result_den,
            count(*) filter (where e_result) as e_result_num,
            count(*) filter (where e_result_unknown) as e_result_unknown,
            count(*) filter (where digitised_counted) as digitised_den,
            count(*) filter (where digitised) as digitised_num,
            count(*) filter (where digitised_unknown) as digitised_unknown
        from query_table(classified)
        group by unit_key, period, period_start, period_end
    ),

    computed as (
        select
            c.unit_key,
            c.commune_code,
            c.commune_name,
            c.period,
            c.period_start,
            c.period_end,
            unnest([  -- noqa: AL03
                {
                    'metric_code': 'TIEN_DO', 'numerator': c.progress_num, 'denominator': c.progress_den,
                    'unknown': 0::bigint, 'supplement_date_unknown': c.supplement_date_unknown,
                    'due_from_statute': c.due_from_statute
                },
                {
                    'metric_code': 'DOSSIER_RECEIVING_SATISFACTION', 'numerator': c.progress_num,
                    'denominator': c.progress_den, 'unknown': 0, 'supplement_date_unknown': c.supplement_date_unknown,
                    'due_from_statute': c.due_from_statute
                },
                {
                    'metric_code': 'ONLINE_DOSSIER', 'numerator': c.online_num, 'denominator': c.online_den,
                    'unknown': c.online_unknown, 'supplement_date_unknown': 0, 'due_from_statute': 0
                },
                {
                    'metric_code': 'ONLINE_PAYMENT_DOSSIER', 'numerator': c.payment_num, 'denominator': c.payment_den,
                    'unknown': c.payment_unknown, 'supplement_date_unknown': 0, 'due_from_statute': 0
                },
                {
                    'metric_code': 'ORIGINAL_RESULT_AVAILABLE', 'numerator': c.e_result_num,
                    'denominator': c.e_result_den, 'unknown': c.e_result_unknown, 'supplement_date_unknown': 0,
                    'due_from_statute': 0
                },
                {
                    'metric_code': 'SO_HOA_GIAY_TO_GIAI_QUYET', 'numerator': c.digitised_num,
                    'denominator': c.digitised_den, 'unknown': c.digitised_unknown, 'supplement_date_unknown': 0,
                    'due_from_statute': 0
                }
            ], recursive := true)
        from counted as c
    ),

    every_metric as (
        -- every unit with a case gets every metric; the metrics the exports cannot give stay empty
        select
            c.unit_key,
            c.commune_code,
            c.commune_name,
            c.period,
            c.period_start,
            c.period_end,
            m.*,
            v.numerator,
            v.denominator,
            v.unknown,
            v.supplement_date_unknown,
            v.due_from_statute
        from counted as c
        cross join score766_metrics as m
        left join computed as v
            on c.unit_key is not distinct from v.unit_key and c.period = v.period and m.metric_code = v.metric_code
    ),

    scored as (
        select
            *,
            case when denominator > 0 then round(100.0 * numerator / denominator, 2) end as rate_pct,
            case
                when formula_kind = 'ratio' then tthc_points766(max_points, threshold_pct, numerator, denominator)
            end as points
        from every_metric
    )

    select
        s.unit_key,
        coalesce(u.unit_type || ' ', '') || s.commune_name as unit_name,
        s.commune_code,
        s.commune_name,
        s.period,
        s.period_start,
        s.period_end,
        s.group_code,
        g.label as group_label,
        g.position as group_position,
        s.metric_code,
        s.formula_id,
        s.label as metric_label,
        s.formula_kind,
        s.threshold_pct,
        case when s.formula_kind <> 'not_from_cases' then s.numerator end as numerator,
        case when s.formula_kind <> 'not_from_cases' then s.denominator end as denominator,
        s.rate_pct,
        s.max_points,
        s.points,
        case when s.points is not null then round(s.max_points - s.points, 2) end as points_recoverable,
        nullif(concat_ws(
            '; ',
            case
                when s.formula_kind = 'not_from_cases' then s.empty_note
                when
                    s.denominator = 0 and s.unknown > 0
                    then 'chưa có số liệu: ' || coalesce(s.missing_note, s.empty_note)
                when s.denominator = 0 then 'chưa có số liệu: ' || s.empty_note
            end,
            case
                when s.formula_kind = 'share' and s.denominator > 0
                    then
                        'chưa xác định công thức tính điểm của nhóm '
                        || g.label
                        || ' (công thức của cổng DVCQG chưa công bố)'
                when s.formula_kind = 'share'
                    then 'chưa xác định công thức tính điểm'
            end,
            case
                when s.denominator > 0 and s.unknown > 0
                    then s.unknown || ' hồ sơ không rõ (' || s.missing_note || '), không tính vào mẫu số'
            end,
            case
                when s.supplement_date_unknown > 0
                    then
                        s.supplement_date_unknown || ' hồ sơ chờ bổ sung không rõ ngày yêu cầu bổ sung: '
                        || 'xét như hồ sơ đang giải quyết'
            end,
            case
                when s.due_from_statute > 0
                    then
                        s.due_from_statute || ' hồ sơ không có ngày hẹn trả: hạn tính theo thời hạn giải quyết '
                        || 'quy định trên lịch ngày làm việc'
            end
        ), '') as note,
        s.source
    from scored as s
    left join score766_groups as g on s.group_code = g.group_code
    left join communes as u on s.unit_key = u.unit_key;
