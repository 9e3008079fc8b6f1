-- Amounts as offices type them: 50000, 50.000, 50,000, "50.000 đ", 1.234.567,5
create or replace macro tthc_parse_amount_slow(raw) as (
    [case
        when x is null or x = '' then null
        when
            regexp_full_match(x, '-?\d{1,3}(\.\d{3})+(,\d+)?')
            then try_cast(replace(replace(x, '.', ''), ',', '.') as double)
        when regexp_full_match(x, '-?\d{1,3}(,\d{3})+(\.\d+)?') then try_cast(replace(x, ',', '') as double)
        when regexp_full_match(x, '-?\d+,\d+') then try_cast(replace(x, ',', '.') as double)
        else try_cast(x as double)
    end for x in [regexp_replace(trim(raw), '\s*(đ|đồng|vnđ|vnd|₫)\s*$', '', 'i')]][1]
);

create or replace macro tthc_parse_amount(raw) as (
    case
        when raw is null then null
        when regexp_full_match(raw, '-?\d{1,9}') then raw::double  -- the usual plain integer
        else tthc_parse_amount_slow(raw)
    end
);
