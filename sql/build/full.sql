-- Full rebuild of the marts for every period.
-- classify and count once, then shape both marts from the same counts
create or replace temp table period_counts_all as
select * from period_counts(tthc_period_list('periods'), $as_of);

create or replace table report_form as
select * from report_form_of('period_counts_all')
order by period_start, period_end, unit_key, sector nulls first;

create or replace table indicators as
select * from indicators_of('period_counts_all')
order by period_start, period_end, unit_key, sector nulls first, indicator;

drop table period_counts_all;
