-- free text may carry a phone, an ID number or an e-mail: mask them before storage
create or replace macro tthc_scrub(raw) as (
    nullif(trim(regexp_replace(regexp_replace(regexp_replace(
        nfc_normalize(raw),
        '[\w.+\-]+@[\w\-]+\.[\w.\-]+', '[đã ẩn]', 'g'
    ),
    '\d{3,4}[ .]\d{3}[ .]\d{3,4}', '[đã ẩn]', 'g'),
    '\d{9,}', '[đã ẩn]', 'g')), '')
);

create or replace macro tthc_text(raw) as nullif(trim(regexp_replace(nfc_normalize(raw), '\s+', ' ', 'g')), '');
