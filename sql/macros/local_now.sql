-- "Now" as a naive local timestamp in the deployment's time zone (the setting `timezone`,
-- stored in the deployment table), evaluated at query time.
create or replace macro tthc_local_now() as (
    timezone((select any_value(timezone) from deployment), now())
);
