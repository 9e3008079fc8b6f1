create table if not exists communes_2025 (
    commune_code varchar primary key,
    commune_name varchar,
    unit_type varchar,
    province_code varchar,
    province_name varchar,
    valid_from date
);
