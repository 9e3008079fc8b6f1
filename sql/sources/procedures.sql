create table if not exists procedures (
    procedure_code varchar,
    procedure_name varchar,
    sector varchar,
    online_level varchar,           -- full | partial | none
    is_published boolean,
    admin_level varchar,            -- commune | (other levels as written, e.g. caphuyen)
    commune_code varchar            -- NULL: every commune of the level
);
