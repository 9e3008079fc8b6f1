-- One extracted batch -> parsed dates and amounts and the date facts the row rules need.
-- Input: raw_batch with the text columns received_at, due_at, finished_at, returned_at,
-- supplement_requested_at, filed_at, fee_amount, plus is_terminal (mapped in Arrow from the status
-- vocabulary) and batch_pos.
-- Only these columns cross into DuckDB; text and vocabulary columns stay in Arrow
-- (pipelines/transform/parse.py), so a batch pays for parsing, not for copying strings twice.
-- This file parses and states facts; it decides nothing.
with parsed as (
    select
        batch_pos,
        coalesce(is_terminal, false) as is_terminal,
        received_at,
        due_at,
        finished_at,
        returned_at,
        supplement_requested_at,
        filed_at,
        fee_amount,
        tthc_parse_ts(received_at) as received_ts,
        tthc_parse_ts(due_at) as due_ts,
        tthc_parse_ts(finished_at) as finished_ts,
        tthc_parse_ts(returned_at) as returned_ts,
        tthc_parse_ts(supplement_requested_at) as supplement_ts,
        tthc_parse_ts(filed_at) as filed_ts,
        tthc_parse_amount(fee_amount) as fee
    from raw_batch
)

select
    batch_pos,
    received_ts as received_at,
    due_ts as due_at,
    coalesce(finished_ts, case when is_terminal then returned_ts end) as finished_at,
    returned_ts as returned_at,
    -- optional, for the 766 score only: an unreadable or out-of-range date is unknown and flagged
    case when tthc_ts_in_range(supplement_ts) then supplement_ts end as supplement_requested_at,
    -- the online filing date: kept for reconciliation with systems that count from it, never
    -- a figure of ours; unreadable or out of range it is NULL (it decides nothing of ours)
    case when tthc_ts_in_range(filed_ts) then filed_ts end as filed_at,
    tthc_deadline(due_ts) as due_deadline,
    case when fee >= 0 and isfinite(fee) then fee end as fee_amount,
    -- facts for the row rules (schemas/models.py)
    nullif(trim(received_at), '') is not null as received_given,
    nullif(trim(due_at), '') is not null as due_given,
    (nullif(trim(finished_at), '') is not null and finished_ts is null) as finished_bad,
    (nullif(trim(returned_at), '') is not null and returned_ts is null) as returned_bad,
    not(
        tthc_ts_in_range(received_ts) and tthc_ts_in_range(due_ts)
        and tthc_ts_in_range(finished_ts) and tthc_ts_in_range(returned_ts)
    ) as out_of_range,
    (finished_ts is null and returned_ts is not null) as finished_from_returned,
    -- facts for the quality report (the row loads)
    (finished_ts is not null and not is_terminal) as finished_not_terminal,
    (nullif(trim(fee_amount), '') is not null and (fee is null or fee < 0 or not isfinite(fee))) as flag_bad_fee,
    (
        nullif(trim(supplement_requested_at), '') is not null
        and (supplement_ts is null or not tthc_ts_in_range(supplement_ts))
    ) as flag_bad_supplement_date
from parsed
