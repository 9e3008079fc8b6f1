-- Why a case costs a 766 metric points (schemas/score766_reasons.csv), written every run.
create table if not exists score766_reasons (
    reason varchar not null,
    label varchar
);
