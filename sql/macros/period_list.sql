-- The rows of a periods-shaped table (period, period_start, period_end), given by its name, as the
-- list of structs period_counts takes; an empty table gives a typed empty list.
create or replace macro tthc_period_list(tbl) as (
    select
        coalesce(
            list({ 'period': period, 'period_start': period_start, 'period_end': period_end }),
            [{ 'period': 'none', 'period_start': date '1900-01-01', 'period_end': date '1899-12-31' }][1:0]
        )
    from query_table(tbl)
);
