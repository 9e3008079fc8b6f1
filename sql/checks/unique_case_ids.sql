-- cases holds one row per case_id (the newest snapshot); any row here fails the run.
-- Only the ids of rows written from file $since_seq on are looked at: rows loaded before were
-- checked by the run that loaded them, and a load only ever adds rows (a full scan of 10M ids
-- costs about a second, every night). $since_seq = 0 checks every case.
select
    case_id,
    count(*) as copies
from cases
where
    case_id in (
        select new.case_id from cases as new
        where new.file_seq >= $since_seq
    )
group by case_id
having count(*) > 1
order by case_id
limit 5
