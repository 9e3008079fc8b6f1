-- Labels of periods (docs/reference/indicators.md, "Periods"); pipelines/rules/periods.py parses the same forms
-- from what users type, and a test checks both sides agree.
-- a calendar quarter: 2024Q1
create or replace macro tthc_quarter_label(d) as (
    strftime(d::date, '%Y') || 'Q' || quarter(d::date)
);

-- a calendar year: 2024
create or replace macro tthc_year_label(d) as (
    strftime(d::date, '%Y')
);

-- a custom range: 2024-01-01..2024-03-25
create or replace macro tthc_period_label(s, e) as (
    strftime(s::date, '%Y-%m-%d') || '..' || strftime(e::date, '%Y-%m-%d')
);
