-- Grain: unit × metric for one period given by its label. Key: (unit_key, metric_code).
-- The 766 score of every unit with a case in the period named as the portal names periods: a month
-- (2026-08, "Tháng 8 năm 2026"), a quarter (2026Q3), a year (2026), or any label tthc_period_of
-- reads; period = its canonical label.
create or replace macro score766_of(label, as_of := null, units := 'recorded') as table
    select * from score766_for([tthc_period_of(label)], as_of, units := units);
