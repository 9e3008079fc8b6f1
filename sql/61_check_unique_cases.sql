-- cases holds one row per case_id (the newest snapshot); any row here fails the run.
select case_id, count(*) as copies
from cases
group by case_id
having count(*) > 1
limit 5
