-- The units from 01/07/2025 in scope (kept for queries written before the registry held both eras).
create or replace view communes_2025 as
select
    commune_code,
    commune_name,
    unit_type,
    province_code,
    province_name,
    valid_from,
    unit_key
from communes
where era = '2025';
