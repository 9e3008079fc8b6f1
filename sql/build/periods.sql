-- Grain: one row per materialised period. Key: period.
-- Every calendar quarter and year present in the data (as of $as_of): the periods materialised.
create or replace table periods as
with bounds as (
    select
        date_trunc('quarter', min(received_at))::date as first_q,
        date_trunc('quarter', least(
            max(greatest(received_at, coalesce(finished_at, received_at))),
            $as_of
        ))::date as last_q
    from cases
),

quarters as (
    select q::date as period_start
    from bounds, range(first_q, last_q + interval 1 day, interval 3 month) as t (q)
    where first_q is not null
)

select
    tthc_quarter_label(period_start) as period,
    'quarter' as period_kind,
    period_start,
    (period_start + interval 3 month - interval 1 day)::date as period_end
from quarters
union all
select distinct
    tthc_year_label(period_start) as period,
    'year' as period_kind,
    make_date(year(period_start), 1, 1) as period_start,
    make_date(year(period_start), 12, 31) as period_end
from quarters
order by period_start, period_kind;
