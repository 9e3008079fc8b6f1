-- How a way of counting reads to an official (reconcile_between's explanation): the convention's
-- label, the received date read from the filing, only the cases that existed at their export time.
create or replace macro tthc_reconcile_words(label, variant, known_at) as (
    'cách đếm «' || label || '»'
    || case when variant in ('filed', 'filed_export') then ', đọc ngày nộp hồ sơ làm ngày tiếp nhận' else '' end
    || case
        when variant in ('export', 'filed_export')
            then ', chỉ các hồ sơ đã có lúc họ xuất báo cáo (' || strftime(known_at, '%d/%m/%Y %H:%M') || ')'
        else ''
    end
);
