-- Grain: commune × sector (sector NULL = all sectors) for one period given by its label.
-- Key: (unit_key, sector).
-- Biểu 06 for a period label as users and the portal name periods: a month (2026-08), a quarter
-- (2026Q3), a half, 9 months, a year, each optionally @nd09, or a range; period = its canonical label (tthc_period_of).
create or replace macro report_form_for_period(label, as_of := null, units := 'recorded') as table
    select * from report_form_for(
        [tthc_period_of(label)],
        as_of, units := units
    );
