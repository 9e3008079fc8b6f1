create or replace macro tthc_text(raw) as nullif(trim(regexp_replace(nfc_normalize(raw), '\s+', ' ', 'g')), '');
