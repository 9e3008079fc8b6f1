-- Load staged reports (their figures) the newest export winning per unit, form and period, as the
-- newest snapshot of a case wins: on equal snapshot_at the file loaded later. The portal's 766
-- figures come one endpoint per response (progress, digitisation, satisfaction …): the newest wins
-- per endpoint too (scope: the layout, which names it), so a month's responses are all kept.
-- Parameters: $figures_paths (the figures_path of every row of report_batch), $run_id, $ingested_at.
-- Tables report_batch (one row per file) and report_units (one row per file × unit).

-- 1. the reports, one row per file × unit
insert into portal_reports by name
select
    b.sha as source_sha256,
    b.file as source_file,
    b.system,
    b.form,
    b.layout,
    u.unit_key,
    u.unit_name,
    tthc_period_label(b.period_start, b.period_end) as period,
    b.period_start,
    b.period_end,
    b.exported_at,
    b.exported_source,
    b.snapshot_at,
    b.file_seq,
    u.findings,
    true as is_current,
    $run_id as run_id,
    $ingested_at as ingested_at
from report_units as u
inner join report_batch as b using (sha);

-- 2. per unit, form, period (and 766 endpoint), the newest report is the current one
create or replace temp table report_winners as
select
    unit_key,
    form,
    period_start,
    period_end,
    case when form = '766' then layout else '' end as scope,
    arg_max(source_sha256, struct_pack(snapshot_at, file_seq)) as winner
from portal_reports
where
    unit_key is not null
    and (unit_key, form, period_start, period_end, case when form = '766' then layout else '' end) in (
        select (u.unit_key, b.form, b.period_start, b.period_end, case when b.form = '766' then b.layout else '' end)
        from report_units as u
        inner join report_batch as b using (sha)
    )
group by unit_key, form, period_start, period_end, scope;

update portal_reports as r
set is_current = (r.source_sha256 = w.winner)
from report_winners as w
where
    r.unit_key = w.unit_key and r.form = w.form
    and r.period_start = w.period_start and r.period_end = w.period_end
    and case when r.form = '766' then r.layout else '' end = w.scope;

-- 3. the figures of the winners only
delete from portal_figures as f
using report_winners as w
where
    f.unit_key = w.unit_key and f.form = w.form
    and f.period_start = w.period_start and f.period_end = w.period_end
    and f.source_sha256 <> w.winner
    and f.source_sha256 in (
        select r.source_sha256 from portal_reports as r
        where r.unit_key = w.unit_key and case when r.form = '766' then r.layout else '' end = w.scope
    );

insert into portal_figures by name
select
    b.file as source_file,
    b.sha as source_sha256,
    b.system,
    b.form,
    f.unit_key,
    f.unit_name,
    tthc_period_label(b.period_start, b.period_end) as period,
    b.period_start,
    b.period_end,
    f.sector,
    f.level,
    f.row_label,
    f.row_kind,
    f.cell,
    f.measure,
    f.value,
    b.exported_at,
    f.source_row
from read_parquet($figures_paths, filename = true) as f
inner join report_batch as b on f.filename = b.figures_path
left join report_winners as w
    on
        f.unit_key = w.unit_key and b.form = w.form
        and b.period_start = w.period_start and b.period_end = w.period_end
        and case when b.form = '766' then b.layout else '' end = w.scope
where f.unit_key is null or w.winner = b.sha;
