-- The quarantined rows of one staged file (Parquet), with their reasons in words.
-- Parameters: $q_path, $run_id, $file, $sha.
insert into quarantine by name
select
    $run_id as run_id,
    $file as source_file,
    $sha as source_sha256,
    q.source_sheet,
    q.source_row,
    q.case_id,
    q.commune_code,
    q.unit_key,
    q.reasons,
    (
        select string_agg(coalesce(r.message, u.reason), '; ' order by u.pos)
        from (
            select
                unnest(q.reasons) as reason,
                generate_subscripts(q.reasons, 1) as pos
        ) as u
        left join reasons as r on u.reason = r.reason
    ) as reason_text,
    q.raw_values::json as raw_values
from read_parquet($q_path) as q;
