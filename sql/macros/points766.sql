-- The points of a 766 metric scored as a ratio (formula_kind ratio of schemas/score766_metrics.csv):
-- min(max, max × rate / threshold), rounded to 2 decimals; NULL when the denominator is 0 or NULL
-- (chưa có số liệu, never 0). score766_scored scores our counts with it, reconcile766_choice the
-- portal's own numerator and denominator, so both read one formula
-- (ChippedTopaz/qd766/docs/SCORING_ANALYSIS_M0.md: "điểm = 20 × tỷ lệ đúng hạn").
create or replace macro tthc_points766(max_points, threshold_pct, numerator, denominator) as (
    case
        when denominator > 0
            then round(least(max_points, max_points * numerator / denominator / (threshold_pct / 100.0)), 2)
    end
);
