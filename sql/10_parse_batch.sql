-- One extracted batch -> typed columns and the facts the row rules need.
-- Input: raw_batch, the canonical text columns plus `batch_pos` and the vocabulary columns already
-- mapped in Arrow on distinct values (channel_c, status_c, service_level_c, digitized_c,
-- paid_online_c, e_result_c, sector_c, procedure_name_c, agency_c, commune_code, commune_name,
-- is_terminal). This file parses dates and amounts and states the facts; it decides nothing.
with parsed as (
    select
        *,
        tthc_parse_ts(received_at) as received_ts,
        tthc_parse_ts(due_at) as due_ts,
        tthc_parse_ts(finished_at) as finished_ts,
        tthc_parse_ts(returned_at) as returned_ts,
        tthc_parse_amount(fee_amount) as fee
    from raw_batch
)

select
    batch_pos,
    nullif(trim(case_id), '') as case_id,
    nullif(trim(procedure_code), '') as procedure_code,
    procedure_name_c as procedure_name,
    coalesce(sector_c, 'Chưa phân loại') as sector,
    agency_c as agency,
    commune_code,
    commune_name,
    channel_c as channel,
    coalesce(service_level_c, 'none') as service_level,
    received_ts as received_at,
    due_ts as due_at,
    coalesce(finished_ts, case when is_terminal then returned_ts end) as finished_at,
    returned_ts as returned_at,
    status_c as status,
    coalesce(digitized_c, false) as is_digitized,
    case when fee >= 0 and isfinite(fee) then fee end as fee_amount,
    paid_online_c as is_paid_online,
    e_result_c as has_e_result,
    case when note is not null then tthc_scrub(note) end as note,
    _sheet as source_sheet,
    _row as source_row,
    -- facts for the row rules (schemas/models.py)
    nullif(trim(status), '') is not null as status_given,
    nullif(trim(received_at), '') is not null as received_given,
    nullif(trim(due_at), '') is not null as due_given,
    (nullif(trim(finished_at), '') is not null and finished_ts is null) as finished_bad,
    (nullif(trim(returned_at), '') is not null and returned_ts is null) as returned_bad,
    not (tthc_ts_in_range(received_ts) and tthc_ts_in_range(due_ts)
         and tthc_ts_in_range(finished_ts) and tthc_ts_in_range(returned_ts)) as out_of_range,
    coalesce(is_terminal, false) as is_terminal,
    (finished_ts is null and returned_ts is not null) as finished_from_returned,
    -- facts for the quality report (the row loads)
    (finished_ts is not null and not coalesce(is_terminal, false)) as finished_not_terminal,
    (nullif(trim(is_digitized), '') is not null and digitized_c is null)
        or (nullif(trim(is_paid_online), '') is not null and paid_online_c is null)
        or (nullif(trim(has_e_result), '') is not null and e_result_c is null) as flag_unknown_boolean,
    (nullif(trim(fee_amount), '') is not null and (fee is null or fee < 0 or not isfinite(fee))) as flag_bad_fee,
    (agency is not null and commune_code is null) as flag_unresolved_agency
from parsed
