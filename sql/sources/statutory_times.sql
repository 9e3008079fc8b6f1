-- The statutory processing time of each procedure (schemas/statutory_times.csv), written with the
-- reference tables by rules/calendar.py.
create table if not exists statutory_times (
    procedure_code varchar,
    procedure_name varchar,
    names varchar[],
    name_keys varchar[],           -- tthc_procedure_key of each name
    amount integer,
    unit varchar,                   -- same_day | working_day | working_hour | day
    max_working_days integer,
    cutoff time,                    -- received after this time: counts from the next working day
    basis varchar
);
