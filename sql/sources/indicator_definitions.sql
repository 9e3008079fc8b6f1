-- Reference, from schemas/indicators.csv (rewritten every run): what each indicator is.
create table if not exists indicator_definitions (
    indicator varchar primary key,
    kind varchar,                   -- pct | count | days
    source varchar,                 -- cases | catalogue
    label varchar,
    formula varchar
);
