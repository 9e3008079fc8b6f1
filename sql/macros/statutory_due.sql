-- Statutory due times (thời hạn giải quyết theo quy định) from the working-day calendar and the
-- statutory times of procedures (tables working_days, statutory_times; rules/calendar.py writes
-- them from schemas/). Used for a case exported without a due time (the parse step and the build)
-- and to flag a due time later than the statute allows (due_checks_between).

-- The key a procedure name is matched by: lower case, no diacritics (đ as d), words of letters and
-- digits, without a leading "thủ tục" ("Thủ tục đăng ký khai sinh" = "Đăng ký khai sinh").
create or replace macro tthc_procedure_key(name) as (
    regexp_replace(
        trim(regexp_replace(replace(strip_accents(lower(nfc_normalize(name))), 'đ', 'd'), '[^a-z0-9]+', ' ', 'g')),
        '^thu tuc ', ''
    )
);

-- The statutory due day of each row of the table named tbl (columns row_key, procedure_code,
-- procedure_name, received_at), for the rows whose procedure has a statutory time (matched by code,
-- else by name) and whose days the calendar covers. Counting (Bộ luật Dân sự 2015 Điều 147, 148):
-- the receipt counts on the day received when that is a working day and the case came in by the
-- cut-off (15:00, for procedures that say so), else on the next working day; "same_day" is due that
-- day, "N working days" on the N-th working day after it, "N working hours" on the ceil(N / 8)-th,
-- "N days" N calendar days after it (moved to the next working day when that is a day off).
-- statutory_due_at is the due day at 00:00 (tthc_deadline makes it the end of that day);
-- statutory_max_due_at the longest lawful time (e.g. with verification), when the statute gives one.
create or replace macro statutory_dues(tbl) as table
    with input as (
        select
            row_key,
            procedure_code,
            received_at,
            tthc_procedure_key(procedure_name) as name_key
        from query_table(tbl)
        where received_at is not null
    ),

    matched as (
        select
            i.row_key,
            i.received_at,
            s.amount,
            s.unit,
            s.max_working_days,
            s.cutoff,
            s.procedure_code as statutory_code
        from input as i
        inner join statutory_times as s
            on i.procedure_code = s.procedure_code or list_contains(s.name_keys, i.name_key)
        qualify row_number() over (
            partition by i.row_key order by (i.procedure_code = s.procedure_code) desc nulls last
        ) = 1
    ),

    received as (
        select
            m.*,
            case
                when w.is_working_day and not coalesce(m.received_at::time > m.cutoff, false) then w.working_seq
                else w.working_seq + 1
            end as start_seq
        from matched as m
        inner join working_days as w on m.received_at::date = w.day
    ),

    targets as (
        select
            r.*,
            case r.unit
                when 'same_day' then r.start_seq
                when 'working_day' then r.start_seq + r.amount
                when 'working_hour' then r.start_seq + ceil(r.amount / 8)::integer
            end as due_seq,
            case when r.unit = 'day' then s.day + r.amount end as calendar_due,
            r.start_seq + r.max_working_days as max_seq
        from received as r
        left join working_days as s on r.start_seq = s.working_seq and s.is_working_day
    )

    select
        t.row_key,
        t.statutory_code,
        coalesce(d.day, c.day, n.day)::timestamp as statutory_due_at,
        greatest(coalesce(d.day, c.day, n.day), x.day)::timestamp as statutory_max_due_at
    from targets as t
    left join working_days as d on t.due_seq = d.working_seq and d.is_working_day
    -- N calendar days: that day when it is a working day, else the next working day
    left join working_days as c on t.calendar_due = c.day and c.is_working_day
    left join working_days as cd on t.calendar_due = cd.day
    left join working_days as n on cd.working_seq + 1 = n.working_seq and n.is_working_day and not cd.is_working_day
    left join working_days as x on t.max_seq = x.working_seq and x.is_working_day
    where coalesce(d.day, c.day, n.day) is not null;
