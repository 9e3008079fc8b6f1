-- Rebuild only the periods a run can have changed: those ending on or after $since (the earliest
-- received date among the loaded and the replaced cases, or the previous run's as_of date, since
-- in-progress cases of a period that was current then are judged again now). Earlier periods keep
-- their rows: nothing in them changed.
create or replace temp table affected as
select * from periods
where period_end >= $since;

create or replace temp table period_counts_new as
select * from period_counts(tthc_period_list('affected'), $as_of);

delete from report_form
where period not in (select period from periods) or period in (select period from affected);

insert into report_form by name
select * from report_form_of('period_counts_new');

delete from indicators
where period not in (select period from periods) or period in (select period from affected);

insert into indicators by name
select * from indicators_of('period_counts_new');

drop table period_counts_new;

drop table affected;
