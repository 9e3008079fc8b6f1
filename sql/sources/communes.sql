create table if not exists communes (
    commune_code varchar primary key,
    commune_name varchar,
    unit_type varchar,
    district_code varchar,
    district_name varchar,
    province_code varchar,
    province_name varchar,
    valid_from date,
    valid_to date,
    successor_code varchar,         -- the unit it became on 01/07/2025 (communes_2025)
    successor_name varchar,
    successor_type varchar
);
