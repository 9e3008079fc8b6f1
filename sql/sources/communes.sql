-- The units in scope of the deployment, of both eras (rewritten every run from the national
-- registry, pipelines/reference/registry.py). Key: unit_key, since GSO reused old codes for new
-- units (13684@2024 phường Lộc Hạ, 13684@2025 phường Thiên Trường).
create table if not exists communes (
    unit_key varchar primary key,   -- <GSO code>@<era>
    commune_code varchar,
    era varchar,                    -- 2024: valid until 30/06/2025; 2025: from 01/07/2025
    commune_name varchar,
    unit_type varchar,
    district_code varchar,
    district_name varchar,
    province_code varchar,
    province_name varchar,
    valid_from date,
    valid_to date,
    successor_key varchar,          -- era 2024: the (default) unit it became on 01/07/2025
    successor_code varchar,
    successor_name varchar,
    successor_type varchar,
    successor_divided boolean       -- era 2024: split between several new units (unit_successors)
);

-- added after 0.5.0: the types that write "Địa bàn" in full (huyện Mỹ Lộc, tỉnh Nam Định)
alter table communes add column if not exists district_type varchar;
alter table communes add column if not exists province_type varchar;
