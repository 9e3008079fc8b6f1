-- A percentage 100 × num / den rounded to 2 decimals; NULL (không có số liệu) when den is 0 or
-- NULL or num is NULL, never 0 or 100 in that case.
create or replace macro tthc_pct(num, den) as (
    case when den > 0 and num is not null then round(100.0 * num / den, 2) end
);
