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

-- a calendar month: 2026-08
create or replace macro tthc_month_label(d) as (
    strftime(d::date, '%Y-%m')
);

-- The period {period, period_start, period_end} of a label (period: the canonical label, dates with
-- the end inclusive; the shape of an element of period_counts' period_list), the forms rules/periods.py writes:
-- 2026-08 (month; also "Tháng 8 năm 2026"), 2026Q3, 2026H1, 2026-9M, 2026, each optionally @nd09
-- (Nghị định 09/2019, Điều 12: from the 15th of the month before to the 14th), and
-- 2026-01-01..2026-03-25. Any other text is an error naming the label (a typo must not give an
-- empty answer).
create or replace macro tthc_period_of(label) as (
    with typed as (
        -- "Tháng 8 năm 2026", "tháng 8/2026" as officials write a month -> 2026-08
        select
            regexp_replace(lower(nfc_normalize(trim(label))), '\s*@\s*nd09$', '') as text,
            regexp_matches(lower(trim(label)), '@\s*nd09$') as nd09
    ),

    parts as (
        select
            nd09,
            case
                when regexp_full_match(text, 'th[aá]ng\s*\d{1,2}\s*(?:năm|nam|/|-|\.)\s*\d{4}')
                    then
                        regexp_extract(text, '(\d{4})$', 1) || '-'
                        || lpad(regexp_extract(text, '^th[aá]ng\s*(\d{1,2})', 1), 2, '0')
                else text
            end as base
        from typed
    ),

    years as (
        select
            nd09,
            base,
            regexp_extract(base, '^(\d{4})', 1) as y
        from parts
    ),

    months as (
        select
            nd09,
            base,
            case
                when regexp_full_match(base, '\d{4}-\d{2}') then [base[6:7]::int, base[6:7]::int]
                when regexp_full_match(base, '\d{4}q[1-4]') then [3 * base[6:6]::int - 2, 3 * base[6:6]::int]
                when regexp_full_match(base, '\d{4}h[12]') then [6 * base[6:6]::int - 5, 6 * base[6:6]::int]
                when regexp_full_match(base, '\d{4}-9m') then [1, 9]
                when regexp_full_match(base, '\d{4}') then [1, 12]
            end as span,
            nullif(y, '')::int as yr
        from years
    )

    select
        case
            when regexp_full_match(base, '\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}') and not nd09
                then {
                    'period': base,
                    'period_start': base[1:10]::date,
                    'period_end': base[13:22]::date
                }
            when span is not null and span[1] between 1 and 12 and nd09
                then {
                    'period': upper(base) || '@nd09',
                    'period_start': (make_date(yr, span[1], 15) - interval 1 month)::date,
                    'period_end': make_date(yr, span[2], 14)
                }
            when span is not null and span[1] between 1 and 12
                then {
                    'period': upper(base),
                    'period_start': make_date(yr, span[1], 1),
                    'period_end': (make_date(yr, span[2], 1) + interval 1 month - interval 1 day)::date
                }
            else error('kỳ báo cáo không hợp lệ: ''' || coalesce(label, 'NULL') || ''' (vd. 2026-08, 2026Q3, 2026)')
        end
    from months
);
