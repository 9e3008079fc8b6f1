-- Grain: one row per case behind an explained difference × cell. Key: (unit_key, form, cell, case_id).
-- The cases a convention, the other reading of the received date or their export time count
-- differently from us in each cell reconcile_between explains (cases we do not hold cannot be
-- listed); why says, in Vietnamese, each step that moved the case: the convention (with the case's
-- status and dates), its filing and received dates across the period boundary, its reception or
-- end after their export time. For the portal's 766 figures (form 766): the cases received after the
-- time the portal's figures were taken, or judged on time then and late now.
create or replace macro reconcile_cases_between(start_date, end_date, unit := null) as table
    with hits as (
        select * from reconcile_choice(start_date, end_date, unit := unit)
        where case_id is not null
    )

    select
        h.unit_key,
        'bieu06' as form,
        h.cell,
        h.case_id,
        concat_ws(
            '; ',
            case
                when h.h0 <> h.h1
                    then
                        'cách đếm «' || h.label || '» ' || case when h.h1 then 'tính' else 'không tính' end
                        || ' hồ sơ này vào ô này (TT 01/2020: ' || case when h.h0 then 'có' else 'không' end || '): '
                        || coalesce(st.label, c.status) || ', tiếp nhận ' || strftime(c.received_at, '%d/%m/%Y %H:%M')
                        || coalesce(', kết thúc xử lý ' || strftime(c.finished_at, '%d/%m/%Y %H:%M'), '')
                        || coalesce(', trả kết quả ' || strftime(c.returned_at, '%d/%m/%Y %H:%M'), '')
                        || coalesce(', hẹn trả ' || strftime(c.due_at, '%d/%m/%Y %H:%M'), '')
            end,
            case
                when h.h1 <> h.h2
                    then
                        'nộp hồ sơ ' || strftime(c.filed_at, '%d/%m/%Y %H:%M') || ', tiếp nhận '
                        || strftime(c.received_at, '%d/%m/%Y %H:%M') || ': hai ngày ở hai phía mốc kỳ báo cáo'
            end,
            case
                when h.h2 <> h.h3
                    then
                        case
                            when c.received_at > h.known_at
                                then
                                    'tiếp nhận ' || strftime(c.received_at, '%d/%m/%Y %H:%M')
                                    || ', sau lúc họ xuất báo cáo (' || strftime(h.known_at, '%d/%m/%Y %H:%M') || ')'
                            when coalesce(c.finished_at, c.returned_at) > h.known_at
                                then
                                    'kết thúc ' || strftime(coalesce(c.finished_at, c.returned_at), '%d/%m/%Y %H:%M')
                                    || ', sau lúc họ xuất báo cáo (' || strftime(h.known_at, '%d/%m/%Y %H:%M') || ')'
                            else
                                'xét tại lúc họ xuất báo cáo (' || strftime(h.known_at, '%d/%m/%Y %H:%M')
                                || '), hẹn trả ' || strftime(c.due_at, '%d/%m/%Y %H:%M')
                        end
            end
        ) as why
    from hits as h
    inner join cases as c on h.case_id = c.case_id
    left join statuses as st on c.status = st.status
    where h.h0 <> h.h3

    union all

    -- the 766 side: the cases our score counts otherwise as they stood when the portal took its
    -- figures (reconcile766_choice), in the cell <metric>.numerator or <metric>.denominator
    select distinct
        unit_key,
        '766' as form,
        cell || '.' || measure as cell,
        case_id,
        why
    from reconcile766_choice(start_date, end_date, unit := unit)
    where case_id is not null;
