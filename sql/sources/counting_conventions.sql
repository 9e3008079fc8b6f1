-- Reference, from schemas/conventions.csv (rewritten every run): how each known system counts
-- Biểu 06, as its builder's public code does it; read by classified_as.
create table if not exists counting_conventions (
    convention varchar primary key,
    seq integer,                    -- the order conventions are tried in when explaining a difference
    label varchar,
    system varchar,
    source varchar,
    received_date varchar,          -- received_at | filed_at
    end_date varchar,               -- finished_at | returned_at
    compare varchar,                -- timestamp | date
    state_by varchar,               -- dates | status
    excluded_statuses varchar,      -- statuses '|'-separated
    open_statuses varchar,
    waiting_statuses varchar,
    withdrawn_statuses varchar,
    stopped_statuses varchar,
    done_statuses varchar,
    waiting_as varchar,             -- in_progress_on_time | not_in_progress
    waiting_needs_received boolean,
    resolved_timing varchar,        -- tt01 | compare | opencps
    in_progress_due varchar,        -- deadline_vs_horizon | raw_vs_horizon | period_end
    notes varchar
);
