-- Reference, from schemas/report_form_columns.csv (rewritten every run): the columns of Biểu 06.
create table if not exists report_form_columns (
    column_name varchar primary key,
    form_number integer,            -- (3)…(13) on the official form, NULL for the extra columns
    official boolean,
    column_group varchar,
    header varchar
);
