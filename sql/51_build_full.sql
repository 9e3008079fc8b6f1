-- Full rebuild of the marts for every period.
-- classify and count once, then shape both marts from the same counts
create or replace temp table period_counts_all as
select * from period_counts(
    (select coalesce(list({'period': period, 'period_start': period_start, 'period_end': period_end}),
                     [{'period': 'none', 'period_start': date '1900-01-01', 'period_end': date '1899-12-31'}][1:0])
     from periods),
    $as_of);

create or replace table report_form as
select * from report_form_of('period_counts_all')
order by period_start, period_end, commune_code, sector nulls first;

create or replace table indicators as
select * from indicators_of('period_counts_all')
order by period_start, period_end, commune_code, sector nulls first, indicator;

drop table period_counts_all;
