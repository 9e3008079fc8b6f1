-- Load staged files (their valid rows as Parquet) into cases, one file or many at once: the grain
-- of cases is one row per case_id, its newest snapshot.
-- Parameters: $rows_paths (the rows_path of every row of load_batch), $run_id, $ingested_at.
-- Table load_batch (rows_path, q_path, sha, file, snapshot_at, file_seq): one row per file.
--
-- The staged rows are never copied into temporary tables: each step reads the Parquet files
-- through the table macros below and DuckDB reads only the columns a step needs (the case ids
-- for the duplicate checks). Only the exceptions (ids repeated in a file or across the batch)
-- are materialised, and in a normal export there are none, so the steps that join on them
-- cost nothing. A 1M-row file loads in about the time of its one insert into cases.

-- 1. the files' rows; file_row_number is each row's own position in its staged file (unique
-- within the file, unlike sheet + row number, which a broken reader could repeat)
create or replace temp macro incoming(paths) as table
    select
        r.* exclude (filename),
        b.sha,
        b.file,
        b.snapshot_at,
        b.file_seq
    from read_parquet(paths, filename = true, file_row_number = true) as r
    inner join load_batch as b on r.filename = b.rows_path;

-- 2. the same case twice in one file: identical rows collapse, conflicting rows all go to quarantine.
-- Only ids that occur more than once in a file are fingerprinted (every column of cases the staged
-- file holds, but where the row stands and which file it is: no column list to keep in step with
-- sql/sources/cases.sql): in a normal export there are none, and hashing every row is then wasted.
create or replace temp table incoming_groups as
with repeated as (
    select
        sha,
        case_id
    from incoming($rows_paths)
    group by sha, case_id
    having count(*) > 1
)

select
    sha,
    case_id,
    count(*) as n,
    count(distinct hash(*columns(* exclude (
        case_id, source_sheet, source_row, file_row_number, sha, file, snapshot_at, file_seq
    )))) as variants
from incoming($rows_paths)
semi join repeated using (sha, case_id)
group by sha, case_id;

insert into quarantine by name
with conflicting_keys as (
    select
        sha,
        case_id
    from incoming_groups
    where variants > 1
),

conflicting as (
    select *
    from incoming($rows_paths)
    semi join conflicting_keys using (sha, case_id)
)

select
    $run_id as run_id,
    i.file as source_file,
    i.sha as source_sha256,
    i.source_sheet,
    i.source_row,
    i.case_id,
    i.commune_code,
    i.unit_key,
    ['conflicting_duplicate'] as reasons,
    (
        select message from reasons
        where reason = 'conflicting_duplicate'
    ) as reason_text,
    -- the row's values but the provenance, the units it resolved to and the free-text note (it may
    -- name people)
    to_json(struct_pack(*columns(* exclude (
        source_sheet, source_row, file_row_number, sha, file, snapshot_at, file_seq,
        commune_code, commune_name, unit_key, note
    )))) as raw_values
from conflicting as i;

-- the rows that do not load: every row of a conflicting case, and all but the first row (sheet,
-- row) of a repeated identical case
create or replace temp table incoming_dropped as
select
    sha,
    file_row_number
from (
    select
        i.sha,
        i.file_row_number,
        g.variants,
        row_number() over (
            partition by i.sha, i.case_id
            order by i.source_sheet nulls first, i.source_row, i.file_row_number
        ) as copy
    from incoming($rows_paths) as i
    inner join incoming_groups as g on i.sha = g.sha and i.case_id = g.case_id
) as copies
where variants > 1 or copy > 1;

create or replace temp macro incoming_final(paths) as table
    select i.* exclude (file_row_number)
    from incoming(paths) as i
    anti join incoming_dropped as d on i.sha = d.sha and i.file_row_number = d.file_row_number;

-- 3a. the earliest date whose figures these files can change (the incremental rebuild starts there)
create temp table if not exists touched_since (ts timestamp);

insert into touched_since
select least(min(f.received_at), min(c.received_at))
from incoming_final($rows_paths) as f
left join cases as c on f.case_id = c.case_id;

-- 3. newest snapshot wins; on a tie the file ingested later wins. Among the files of the batch
-- first (the order loading them one by one would give), then against the warehouse. Only the ids
-- that more than one file of the batch holds need ordering.
create or replace temp table batch_repeats as
select case_id
from incoming_final($rows_paths)
group by case_id
having count(*) > 1;

create or replace temp macro incoming_newest(paths) as table
    select f.*
    from incoming_final(paths) as f
    anti join batch_repeats as r on f.case_id = r.case_id
    union all by name
    select f.*
    from incoming_final(paths) as f
    semi join batch_repeats as r on f.case_id = r.case_id
    qualify row_number() over (partition by f.case_id order by f.snapshot_at desc, f.file_seq desc) = 1;

delete from cases
where case_id in (
    select f.case_id
    from incoming_newest($rows_paths) as f
    inner join cases as c on f.case_id = c.case_id
    where f.snapshot_at > c.snapshot_at or (f.snapshot_at = c.snapshot_at and f.file_seq > c.file_seq)
);

insert into cases by name
select
    f.* exclude (sha, file),
    f.file as source_file,
    f.sha as source_sha256,
    $ingested_at as ingested_at
from incoming_newest($rows_paths) as f
anti join cases as c on f.case_id = c.case_id;
