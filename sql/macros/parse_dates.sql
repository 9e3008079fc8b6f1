-- Strict, day-first parsing of the date forms the portals write (docs/reference/export-format.md).
-- Never month-first, never "repaired": 31/02/2024 is NULL, not 02/03/2024.
-- Result is a naive TIMESTAMP in local time (Asia/Ho_Chi_Minh); 00:00 means "no time of day".
-- Speed matters (millions of cells): common zero-padded forms go through strptime and must
-- print back to the same text; the rest through one regex whose parts are bound once
-- ([f(s) for s in [regexp_extract(...)]][1] evaluates the regex a single time).

create or replace macro tthc_days_in_month(y, m) as (
    case
        when m = 2 then case when (y % 4 = 0 and y % 100 <> 0) or y % 400 = 0 then 29 else 28 end
        when m in (4, 6, 9, 11) then 30
        else 31
    end
);

create or replace macro tthc_make_ts(y, m, d, hh, mi, ss) as (
    case
        when
            y between 1 and 9999 and m between 1 and 12 and d between 1 and tthc_days_in_month(y, m)
            and hh between 0 and 23 and mi between 0 and 59 and ss between 0 and 59
            then try(make_timestamp(y::bigint, m::bigint, d::bigint, hh::bigint, mi::bigint, ss::double))
    end
);

-- a struct of text parts (y, m, d, hh, mi, ss) -> timestamp; empty time parts are 0
create or replace macro tthc_ts_from_parts(s) as (
    tthc_make_ts(
        try_cast(s.y as int), try_cast(s.m as int), try_cast(s.d as int),
        coalesce(try_cast(nullif(s.hh, '') as int), 0), coalesce(try_cast(nullif(s.mi, '') as int), 0),
        coalesce(try_cast(nullif(s.ss, '') as int), 0)
    )
);

-- d/m/yyyy and dd/mm/yyyy with optional H:MM[:SS]; separators / . -
create or replace macro tthc_ts_dmy(x) as ([tthc_ts_from_parts(s) for s in [regexp_extract(
    x, '^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?(?:\.\d+)?)?$',
    ['d', 'm', 'y', 'hh', 'mi', 'ss']
)]])[1];

-- HH:MM[:SS] dd/mm/yyyy (time first, as some one-stop software prints it)
create or replace macro tthc_ts_hm_dmy(x) as ([tthc_ts_from_parts(s) for s in [regexp_extract(
    x, '^(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$',
    ['hh', 'mi', 'ss', 'd', 'm', 'y']
)]])[1];

-- a due date with a half-day window, as e-PAR/R3 writes it ("12-03-2024 Từ 13:30 đến 16:00") or
-- the window first ("Từ 13:30 đến 16:00 ngày 12/03/2024"): the window's end is the due time
create or replace macro tthc_ts_window(x) as ([tthc_ts_from_parts(s) for s in [regexp_extract(
    x,
    '^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}),?'
    || '\s+(?i:từ|tu)\s+\d{1,2}[:h]\d{2}\s*(?i:đến|den|-)\s*(\d{1,2})[:h](\d{2})()$',
    ['d', 'm', 'y', 'hh', 'mi', 'ss']
)]])[1];
create or replace macro tthc_ts_window_first(x) as ([tthc_ts_from_parts(s) for s in [regexp_extract(
    x,
    '^(?i:từ|tu)\s+\d{1,2}[:h]\d{2}\s*(?i:đến|den|-)\s*(\d{1,2})[:h](\d{2})()'
    || '\s+(?i:ngày|ngay)?\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$',
    ['hh', 'mi', 'ss', 'd', 'm', 'y']
)]])[1];

-- yyyyMMddHHmmss (DVCQG synchronisation format) and yyyyMMdd
create or replace macro tthc_ts_compact(x) as ([tthc_ts_from_parts(s) for s in [regexp_extract(
    x, '^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$', ['y', 'm', 'd', 'hh', 'mi', 'ss']
)]])[1];

-- ISO 8601; an offset is converted to local time (+07:00); no offset means local already
create or replace macro tthc_iso_offset_minutes(tz) as (
    case
        when tz = '' then 0
        when tz = 'Z' then 420
        else
            420 - (case when tz[1] = '-' then -1 else 1 end)
            * (
                try_cast(replace(tz[2:], ':', '')[1:2] as int) * 60
                + try_cast(replace(tz[2:], ':', '')[3:4] as int)
            )
    end
);
create or replace macro tthc_ts_iso(x) as ([
    tthc_ts_from_parts(s) + to_minutes(tthc_iso_offset_minutes(s.tz))
    for s in [regexp_extract(
        x, '^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+\-]\d{2}:?\d{2})?$',
        ['y', 'm', 'd', 'hh', 'mi', 'ss', 'tz']
    )]
])[1];

-- Excel serial day numbers (1900 date system) that reached us as text
create or replace macro tthc_ts_serial(x) as (
    case
        when try_cast(x as double) between 1 and 2958465
            then timestamp '1899-12-30' + to_microseconds(round(try_cast(x as double) * 86400000000)::bigint)
    end
);

-- one strptime format, accepted only when it prints back to the same text (no repairs)
create or replace macro tthc_ts_exact(raw, fmt) as (
    case when strftime(try_strptime(raw, fmt), fmt) = raw then try_strptime(raw, fmt) end
);

create or replace macro tthc_parse_ts_slow(raw) as (
    [case
        when x is null or x = '' then null
        when regexp_full_match(x, '\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}.*') then coalesce(tthc_ts_dmy(x), tthc_ts_window(x))
        when regexp_full_match(x, '\d{4}-\d{1,2}-\d{1,2}.*') then tthc_ts_iso(x)
        when regexp_full_match(x, '\d{14}|\d{8}') then tthc_ts_compact(x)
        when regexp_full_match(x, '\d{1,6}(\.\d+)?') then tthc_ts_serial(x)
        when regexp_full_match(x, '\d{1,2}:\d{2}.*') then tthc_ts_hm_dmy(x)
        when regexp_full_match(x, '(?i:từ|tu)\s.*') then tthc_ts_window_first(x)
    end for x in [trim(raw)]][1]
);

-- CASE is evaluated lazily per branch, so each row pays only for the forms tried before its own
create or replace macro tthc_parse_ts(raw) as (
    case
        when raw is null then null
        when length(raw) = 16 and raw[3] = '/' and strftime(try_strptime(raw, '%d/%m/%Y %H:%M'), '%d/%m/%Y %H:%M') = raw
            then try_strptime(raw, '%d/%m/%Y %H:%M')
        when length(raw) = 10 and raw[3] = '/' and strftime(try_strptime(raw, '%d/%m/%Y'), '%d/%m/%Y') = raw
            then try_strptime(raw, '%d/%m/%Y')
        when
            length(raw) = 19
            and raw[5] = '-'
            and strftime(try_strptime(raw, '%Y-%m-%d %H:%M:%S'), '%Y-%m-%d %H:%M:%S') = raw
            then try_strptime(raw, '%Y-%m-%d %H:%M:%S')
        when
            length(raw) = 19
            and raw[3] = '/'
            and strftime(try_strptime(raw, '%d/%m/%Y %H:%M:%S'), '%d/%m/%Y %H:%M:%S') = raw
            then try_strptime(raw, '%d/%m/%Y %H:%M:%S')
        when length(raw) between 8 and 10 and strftime(try_strptime(raw, '%-d/%-m/%Y'), '%-d/%-m/%Y') = raw
            then try_strptime(raw, '%-d/%-m/%Y')
        when length(raw) = 14 and strftime(try_strptime(raw, '%Y%m%d%H%M%S'), '%Y%m%d%H%M%S') = raw
            then try_strptime(raw, '%Y%m%d%H%M%S')
        else tthc_parse_ts_slow(raw)
    end
);

-- plausible range for case dates; outside it a date is a typing error, not a case
create or replace macro tthc_ts_in_range(ts) as (
    ts is null or (ts >= timestamp '2000-01-01' and ts < timestamp '2100-01-01')
);
