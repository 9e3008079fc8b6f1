create table if not exists reasons (
    reason varchar primary key,
    message varchar
);
