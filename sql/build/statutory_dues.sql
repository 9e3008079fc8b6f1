-- Before every build: the statutory due day of the cases exported without a due time, counted again
-- by today's rules (a changed calendar or statutory time changes the rules hash and the build is
-- full). A case the rules no longer count keeps the day it was loaded with. Few rows: the others
-- have a due time.
create or replace temp view due_missing as
select
    case_id as row_key,
    procedure_code,
    procedure_name,
    received_at
from cases
where due_at is null;

update cases
set statutory_due_at = d.statutory_due_at
from statutory_dues('due_missing') as d
where cases.case_id = d.row_key and cases.due_at is null;

drop view due_missing;
