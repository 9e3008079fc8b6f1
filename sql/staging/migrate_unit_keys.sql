-- Cases and quarantined rows loaded before units had keys (0.2 and earlier): the unit is found
-- from what the run that loaded them recorded, the GSO code and the unit's name, among the units in
-- scope; a code shared by an old and a new unit goes to the one whose name the case carries, else
-- to the unit valid on its received date (communes.valid_from / valid_to, written from the registry's
-- one reform date). A no-op once every row has its key.
update cases as c
set
    unit_key = (
        select u.unit_key
        from communes as u
        where u.commune_code = c.commune_code
        order by
            (u.commune_name = c.commune_name) desc,
            (
                c.received_at::date >= coalesce(u.valid_from, date '0001-01-01')
                and c.received_at::date <= coalesce(u.valid_to, date '9999-12-31')
            ) desc
        limit 1
    )
where c.unit_key is null and c.commune_code is not null;

update quarantine as q
set
    unit_key = (
        select min(u.unit_key)
        from communes as u
        where u.commune_code = q.commune_code
        having count(*) = 1
    )
where q.unit_key is null and q.commune_code is not null;
