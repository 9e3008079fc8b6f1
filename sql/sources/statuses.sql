-- Reference, from schemas/statuses.csv (rewritten every run): how each canonical status counts.
create table if not exists statuses (
    status varchar primary key,
    code integer,
    terminal boolean,
    status_group varchar,           -- refused | withdrawn_stopped | active | resolved
    label varchar
);
