-- The deadline D of a due time d (hạn giải quyết): d itself when it carries a time of day, else
-- the end of that day (a time of exactly 00:00 means "no time of day", docs/reference/export-format.md).
-- The one definition: the row rule due_before_received (staging/parse_batch.sql) and the
-- classification (macros/classify.sql) both use it.
create or replace macro tthc_deadline(d) as (
    case when d = date_trunc('day', d) then d + interval 86399 second else d end
);
