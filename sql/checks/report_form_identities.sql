-- The four identities of Biểu 06 (docs/reference/indicators.md); any row returned here fails the run.
-- received_total is counted on its own in period_counts, so the first identity compares two
-- different counts.
select
    commune_code,
    period,
    sector,
    case
        when received_total <> received_online + received_offline + received_channel_unknown + carried_over
            then 'received_total'
        when resolved_total <> resolved_early + resolved_on_time + resolved_late then 'resolved_total'
        when in_progress_total <> in_progress_on_time + in_progress_overdue then 'in_progress_total'
        else 'received = resolved + in_progress + withdrawn_stopped'
    end as broken_identity
from report_form
where
    received_total <> received_online + received_offline + received_channel_unknown + carried_over
    or resolved_total <> resolved_early + resolved_on_time + resolved_late
    or in_progress_total <> in_progress_on_time + in_progress_overdue
    or received_total <> resolved_total + in_progress_total + withdrawn_stopped
