-- The metrics of the 766 score (schemas/score766_metrics.csv), written every run: the one definition
-- of each metric's group, maximum, formula kind and threshold, read by score766_for and the sheets.
create table if not exists score766_metrics (
    metric_code varchar not null,
    group_code varchar not null,
    formula_id varchar,
    label varchar,
    short_label varchar,
    max_points double,
    formula_kind varchar,           -- ratio | share | not_from_cases
    threshold_pct double,
    formula varchar,
    empty_note varchar,
    missing_note varchar,
    case_words varchar,
    source varchar
);
