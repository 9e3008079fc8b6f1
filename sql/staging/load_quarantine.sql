-- The quarantined rows of staged files (Parquet), with their reasons in words.
-- Parameters: $q_paths (the q_path of every row of load_batch), $run_id.
-- Table load_batch (rows_path, q_path, sha, file, snapshot_at, file_seq): one row per file.
insert into quarantine by name
select
    $run_id as run_id,
    b.file as source_file,
    b.sha as source_sha256,
    q.source_sheet,
    q.source_row,
    q.case_id,
    q.commune_code,
    q.unit_key,
    q.reasons,
    concat_ws(': ', (
        select string_agg(coalesce(r.message, u.reason), '; ' order by u.pos)
        from (
            select
                unnest(q.reasons) as reason,
                generate_subscripts(q.reasons, 1) as pos
        ) as u
        left join reasons as r on u.reason = r.reason
    ), q.detail) as reason_text,
    q.raw_values::json as raw_values
from read_parquet($q_paths, filename = true) as q
inner join load_batch as b on q.filename = b.q_path;
