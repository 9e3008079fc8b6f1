-- Every old unit → new unit link of the 2025 reorganisation in scope, the default one marked
-- (a commune divided between several new units has several rows).
create table if not exists unit_successors (
    old_key varchar,
    new_key varchar,
    is_default boolean
);
