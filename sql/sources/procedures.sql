create table if not exists procedures (
    procedure_code varchar,
    procedure_name varchar,
    sector varchar,
    online_level varchar,           -- full | partial | none
    is_published boolean,
    admin_level varchar,            -- commune | (other levels as written, e.g. caphuyen)
    commune_code varchar            -- GSO code of the unit the row applies to (see unit_key)
);

-- added in 0.3.0: the unit the row applies to (communes.unit_key); a row that names no unit the
-- registry knows applies to none (the setting procedures_units can name units for such rows)
alter table procedures add column if not exists unit_key varchar;
