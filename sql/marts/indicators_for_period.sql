-- Grain: commune × sector × indicator for one period given by its label.
-- Key: (unit_key, sector, indicator).
-- The indicators for a period label (2026-08, "Tháng 8 năm 2026", 2026Q3, 2026, …@nd09, or a range);
-- period = its canonical label (tthc_period_of).
create or replace macro indicators_for_period(label, as_of := null, units := 'recorded') as table
    select * from indicators_for(
        [tthc_period_of(label)],
        as_of, units := units
    );
