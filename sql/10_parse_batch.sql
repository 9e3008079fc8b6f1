-- One extracted batch (canonical text columns) -> typed columns and the facts the row rules need.
-- Inputs: raw_batch (text), value_map(domain, raw, canonical), agency_map(raw, commune_code, commune_name).
-- Vocabulary and agency matching happen in Python on the few distinct values (one normaliser
-- for headers and values); this file only joins and parses.
with src as (
    select row_number() over () - 1 as batch_pos, * from raw_batch
),

mapped as (
    select
        s.*,
        ch.canonical as channel_c,
        st.canonical as status_c,
        sl.canonical as service_level_c,
        dg.canonical as digitized_c,
        po.canonical as paid_online_c,
        er.canonical as e_result_c,
        se.canonical as sector_c,
        ag.commune_code,
        ag.commune_name
    from src s
    left join value_map ch on ch.domain = 'channel' and ch.raw = coalesce(s.channel, '')
    left join value_map st on st.domain = 'status' and st.raw = s.status
    left join value_map sl on sl.domain = 'service_level' and sl.raw = coalesce(s.service_level, '')
    left join value_map dg on dg.domain = 'boolean' and dg.raw = s.is_digitized
    left join value_map po on po.domain = 'boolean' and po.raw = s.is_paid_online
    left join value_map er on er.domain = 'boolean' and er.raw = s.has_e_result
    left join value_map se on se.domain = 'sector' and se.raw = s.sector
    left join agency_map ag on ag.raw = s.agency
),

parsed as (
    select
        *,
        tthc_parse_ts(received_at) as received_ts,
        tthc_parse_ts(due_at) as due_ts,
        tthc_parse_ts(finished_at) as finished_ts,
        tthc_parse_ts(returned_at) as returned_ts,
        tthc_parse_amount(fee_amount) as fee
    from mapped
)

select
    batch_pos,
    tthc_text(case_id) as case_id,
    tthc_text(procedure_code) as procedure_code,
    tthc_text(procedure_name) as procedure_name,
    coalesce(sector_c, 'Chưa phân loại') as sector,
    tthc_text(agency) as agency,
    commune_code,
    commune_name,
    channel_c as channel,
    coalesce(service_level_c, 'none') as service_level,
    received_ts as received_at,
    due_ts as due_at,
    coalesce(finished_ts,
             case when status_c in (select status from terminal_statuses) then returned_ts end) as finished_at,
    returned_ts as returned_at,
    status_c as status,
    coalesce(digitized_c = 'true', false) as is_digitized,
    case when fee >= 0 then fee end as fee_amount,
    paid_online_c::boolean as is_paid_online,
    e_result_c::boolean as has_e_result,
    tthc_scrub(note) as note,
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
    status_c in (select status from terminal_statuses) as is_terminal,
    (finished_ts is null and returned_ts is not null) as finished_from_returned,
    -- facts for the quality report (the row loads)
    (finished_ts is not null and not coalesce(status_c in (select status from terminal_statuses), false)) as finished_not_terminal,
    (nullif(trim(is_digitized), '') is not null and digitized_c is null)
        or (nullif(trim(is_paid_online), '') is not null and paid_online_c is null)
        or (nullif(trim(has_e_result), '') is not null and e_result_c is null) as flag_unknown_boolean,
    (nullif(trim(fee_amount), '') is not null and (fee is null or fee < 0)) as flag_bad_fee,
    (agency is not null and commune_code is null) as flag_unresolved_agency
from parsed
order by batch_pos
