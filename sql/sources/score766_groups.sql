-- The six groups of the 766 score (schemas/score766_groups.csv), written every run.
create table if not exists score766_groups (
    group_code varchar not null,
    position integer,
    label varchar,
    max_points double,
    portal_criterion varchar
);
