-- Every operator action, whichever way it came (console or API): who (the token's name), what (the
-- action, its target and the values before and after), when. One table across jobs and crates, so
-- that "what did operators do today" is one indexed read. job_history and crate_limits_change stay
-- behind their own API endpoints; their rows so far are copied here so that the audit starts whole.
create table operator_action (
    id          bigserial   primary key,
    at          timestamptz not null default now(),
    actor       text        not null,
    action      text        not null,
    target_kind text        not null check (target_kind in ('job', 'crate', 'builder')),
    target      text        not null,
    old_value   text,
    new_value   text
);

create index operator_action_target_idx on operator_action (target_kind, target, id);

insert into operator_action (at, actor, action, target_kind, target, old_value, new_value)
select at, actor, 'correct-' || field, 'job', job_id::text, old_value, new_value
from job_history
order by at;

insert into operator_action (at, actor, action, target_kind, target, old_value, new_value)
select changed_at, actor, case action when 'set' then 'set-limits' else 'clear-limits' end,
       'crate', crate, lag(limits) over (partition by crate order by id), limits
from crate_limits_change
order by id;
