-- The settings of the deployment that built the warehouse (one row, rewritten every run), read by
-- SQL where a setting matters (the time zone of "now").
create table if not exists deployment (
    timezone varchar,
    province varchar,
    district varchar
);
