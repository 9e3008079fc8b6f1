-- Every day of the years the calendar covers (schemas/calendar_years.csv), written with the
-- reference tables by rules/calendar.py from schemas/calendar_days_off.csv and calendar_rules.csv.
create table if not exists working_days (
    day date not null,
    is_working_day boolean not null,
    working_seq integer not null,   -- working days up to and including this day
    day_kind varchar,               -- holiday | compensatory | swap_off | make_up | NULL
    name varchar
);
