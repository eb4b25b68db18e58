/**
 * SLA policies and business hours: the routing configuration's policies (per priority and channel:
 * first response, next response, resolution, when to warn; the first that matches a post applies)
 * and calendars (time zone, weekly hours, holidays, imported from an .ics file). A preview shows
 * when a post arriving now would be due under what is saved. Saving sends the whole configuration
 * back to the hub, which checks it and recomputes the due times of waiting work at once.
 * Keys: j/k move, Tab to the other list, n new policy, c new calendar, Enter edit, Shift+J/K move a
 * policy down/up, Delete removes.
 */
import { useRef, useState } from 'react';
import {
  WEEKDAYS, type AdminCalendar, type AdminSlaPolicy, type RoutingConfigView, type Weekday,
} from '../../../../shared/contract/routing';
import { parseIcsHolidays } from '../../../../shared/calendar/ics';
import { ChannelSchema, PrioritySchema, type Channel, type Priority } from '../../../../shared/domain';
import { useAdminAction, useAdminQuery } from '../../api/admin';
import { useSession } from '../../api/queries';
import { CHANNEL_LABEL, weekdayTime } from '../../app/format';
import { useUi } from '../../app/store';
import { KeyList } from '../../components/KeyList';
import { Field, FormDialog, Screen } from './parts';
import { formatDuration, formatWindows, parseDates, parseDuration, parseWindows, weekSummary } from './sla-text';

const announce = (t: string) => useUi.getState().announce(t);
const DAY_NAME: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
const PRIORITY_LABEL: Record<Priority, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };
const ZONES: string[] = (() => { try { return Intl.supportedValuesOf('timeZone'); } catch { return []; } })();
const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** An id for a new policy or calendar: its name as a slug, made unique. */
function newId(name: string, taken: string[]): string {
  const base = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'item';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

/** Saves a new configuration (the whole of it: the hub checks it all); the dialog closes on success. */
function useSave(onDone?: () => void) {
  return useAdminAction('setRoutingConfig', { onSuccess: () => onDone?.() });
}

const when = (t: number | null) => (t === null ? '—' : weekdayTime(t));
function inHowLong(t: number | null, from: number): string {
  if (t === null) return 'no target';
  const m = Math.round((t - from) / 60_000);
  if (m < 60) return `in ${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `in ${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `in ${Math.floor(h / 24)} days ${h % 24} h`;
}

function CalendarForm({ config, calendar, onDone }: { config: RoutingConfigView; calendar: AdminCalendar | null; onDone(): void }) {
  const [name, setName] = useState(calendar?.name ?? calendar?.id ?? '');
  const [zone, setZone] = useState(calendar?.time_zone ?? localZone());
  const [hours, setHours] = useState<Record<Weekday, string>>(() => Object.fromEntries(WEEKDAYS.map((d) => [d,
    calendar ? formatWindows(calendar.hours[d]) : ['sat', 'sun'].includes(d) ? '' : '09:00-17:00'])) as Record<Weekday, string>);
  const [holidays, setHolidays] = useState((calendar?.holidays ?? []).join('\n'));
  const [imported, setImported] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const save = useSave(() => { onDone(); announce(`Calendar ${name} saved`); });
  const windows = Object.fromEntries(WEEKDAYS.map((d) => [d, parseWindows(hours[d])])) as Record<Weekday, ReturnType<typeof parseWindows>>;
  const dates = parseDates(holidays);
  const err = (r: { error: string } | { value: unknown }) => (tried && 'error' in r ? r.error : null);
  const submit = () => {
    setTried(true);
    if (!name.trim() || WEEKDAYS.some((d) => 'error' in windows[d]) || 'error' in dates) return;
    const next: AdminCalendar = {
      id: calendar?.id ?? newId(name, config.calendars.map((c) => c.id)), name: name.trim(), time_zone: zone.trim(),
      hours: Object.fromEntries(WEEKDAYS.map((d) => [d, (windows[d] as { value: Array<[string, string]> }).value])), holidays: dates.value,
    };
    const calendars = calendar ? config.calendars.map((c) => (c.id === calendar.id ? next : c)) : [...config.calendars, next];
    save.mutate({ body: { ...config, calendars } });
  };
  const importIcs = async (f: File) => {
    const r = parseIcsHolidays(await f.text());
    const merged = parseDates(`${holidays}\n${r.dates.join('\n')}`);
    const before = 'value' in dates ? dates.value.length : 0;
    if ('value' in merged) setHolidays(merged.value.join('\n'));
    const added = 'value' in merged ? merged.value.length - before : 0;
    setImported(`${f.name}: ${added} holiday${added === 1 ? '' : 's'} added${r.skipped.length ? `; not read: ${r.skipped.join('; ')}` : ''}`);
  };
  return (
    <FormDialog label={calendar ? `Edit calendar ${calendar.name ?? calendar.id}` : 'New calendar'} submit="Save calendar" wide onClose={onDone}
      busy={save.isPending} error={save.error ?? (tried && !name.trim() ? 'Give the calendar a name' : null)} onSubmit={submit}>
      <div className="admin-grid">
        <Field label="Name">{(id) => <input id={id} data-autofocus value={name} onChange={(e) => setName(e.target.value)} placeholder="Office hours" />}</Field>
        <Field label="Time zone" hint="An IANA zone such as Europe/Warsaw or America/New_York">{(id, hint) => (
          <>
            <input id={id} aria-describedby={hint} list="admin-time-zones" value={zone} onChange={(e) => setZone(e.target.value)} />
            <datalist id="admin-time-zones">{ZONES.map((z) => <option key={z} value={z} />)}</datalist>
          </>
        )}</Field>
      </div>
      <fieldset className="admin-choice">
        <legend>Opening hours (empty: closed that day)</legend>
        <div className="admin-grid">
          {WEEKDAYS.map((d) => (
            <Field key={d} label={DAY_NAME[d]} error={err(windows[d])}>{(id, hint) => (
              <input id={id} aria-describedby={hint} value={hours[d]} onChange={(e) => setHours({ ...hours, [d]: e.target.value })} placeholder="closed" />
            )}</Field>
          ))}
        </div>
      </fieldset>
      <Field label="Holidays (one date a line, YYYY-MM-DD)" hint={imported ?? 'Closed all day, in the calendar’s time zone'} error={err(dates)}>{(id, hint) => (
        <textarea id={id} aria-describedby={hint} rows={4} value={holidays} onChange={(e) => setHolidays(e.target.value)} placeholder="2026-12-25" />
      )}</Field>
      <div>
        <button type="button" onClick={() => file.current?.click()}>Import holidays from an .ics file…</button>
        <input ref={file} type="file" accept=".ics,text/calendar" hidden aria-label="Holidays file (.ics)"
          onChange={(e) => { const f = e.target.files?.[0]; if (f) void importIcs(f); e.target.value = ''; }} />
      </div>
      <p className="muted">Ctrl+Enter saves · Esc cancels</p>
    </FormDialog>
  );
}

function PolicyForm({ config, policy, onDone }: { config: RoutingConfigView; policy: AdminSlaPolicy | null; onDone(): void }) {
  const [name, setName] = useState(policy?.name ?? policy?.id ?? '');
  const [priorities, setPriorities] = useState<Priority[]>(policy?.priorities ?? []);
  const [channels, setChannels] = useState<Channel[]>(policy?.channels ?? []);
  const [calendarId, setCalendarId] = useState<string>(policy?.calendar_id ?? '');
  const [first, setFirst] = useState(formatDuration(policy?.first_response_seconds ?? (policy ? null : 3600)));
  const [next, setNext] = useState(formatDuration(policy?.next_response_seconds ?? null));
  const [resolution, setResolution] = useState(formatDuration(policy?.resolution_seconds ?? null));
  const [warn, setWarn] = useState(String(Math.round((policy?.warn_at ?? 0.8) * 100)));
  const [tried, setTried] = useState(false);
  const save = useSave(() => { onDone(); announce(`Policy ${name} saved`); });
  const times = { first: parseDuration(first), next: parseDuration(next), resolution: parseDuration(resolution) };
  const warnPct = Number(warn);
  const warnBad = !Number.isInteger(warnPct) || warnPct < 1 || warnPct > 99;
  const err = (r: { error: string } | { value: unknown }) => (tried && 'error' in r ? r.error : null);
  const toggle = <T,>(list: T[], v: T, on: boolean) => (on ? [...list, v] : list.filter((x) => x !== v));
  const submit = () => {
    setTried(true);
    if (!name.trim() || warnBad || Object.values(times).some((t) => 'error' in t)) return;
    const v = (t: ReturnType<typeof parseDuration>) => ('value' in t ? t.value : null);
    const next_: AdminSlaPolicy = {
      ...(policy ?? { on_breach: [] }),
      id: policy?.id ?? newId(name, config.sla_policies.map((p) => p.id)), name: name.trim(), priorities, channels,
      calendar_id: calendarId || null, first_response_seconds: v(times.first), next_response_seconds: v(times.next), resolution_seconds: v(times.resolution),
      warn_at: warnPct / 100,
    };
    // a new policy goes first: it is the more specific one (the first that matches a post applies)
    const sla_policies = policy ? config.sla_policies.map((p) => (p.id === policy.id ? next_ : p)) : [next_, ...config.sla_policies];
    save.mutate({ body: { ...config, sla_policies } });
  };
  return (
    <FormDialog label={policy ? `Edit policy ${policy.name ?? policy.id}` : 'New SLA policy'} submit="Save policy" wide onClose={onDone}
      busy={save.isPending} error={save.error ?? (tried && !name.trim() ? 'Give the policy a name' : tried && warnBad ? 'Warn at is a whole percentage from 1 to 99' : null)} onSubmit={submit}>
      <Field label="Name">{(id) => <input id={id} data-autofocus value={name} onChange={(e) => setName(e.target.value)} placeholder="Urgent on X" />}</Field>
      <div className="admin-grid">
        <fieldset className="admin-choice">
          <legend>Priorities (none ticked: any)</legend>
          {PrioritySchema.options.map((p) => (
            <label key={p}><input type="checkbox" checked={priorities.includes(p)} onChange={(e) => setPriorities(toggle(priorities, p, e.target.checked))} /> {PRIORITY_LABEL[p]}</label>
          ))}
        </fieldset>
        <fieldset className="admin-choice">
          <legend>Channels (none ticked: any)</legend>
          {ChannelSchema.options.filter((c) => c !== 'sandbox').map((c) => (
            <label key={c}><input type="checkbox" checked={channels.includes(c)} onChange={(e) => setChannels(toggle(channels, c, e.target.checked))} /> {CHANNEL_LABEL[c] ?? c}</label>
          ))}
        </fieldset>
      </div>
      <div className="admin-grid">
        <Field label="Business hours">{(id) => (
          <select id={id} value={calendarId} onChange={(e) => setCalendarId(e.target.value)}>
            <option value="">Day and night (no calendar)</option>
            {config.calendars.map((c) => <option key={c.id} value={c.id}>{c.name ?? c.id} ({c.time_zone})</option>)}
          </select>
        )}</Field>
        <Field label="Warn at (% of the time)">{(id) => <input id={id} inputMode="numeric" value={warn} onChange={(e) => setWarn(e.target.value)} />}</Field>
      </div>
      <div className="admin-grid">
        <Field label="First response within" hint="30m, 1h 30m, 2d; empty: no target" error={err(times.first)}>{(id, hint) => <input id={id} aria-describedby={hint} value={first} onChange={(e) => setFirst(e.target.value)} />}</Field>
        <Field label="Next response within" error={err(times.next)}>{(id, hint) => <input id={id} aria-describedby={hint} value={next} onChange={(e) => setNext(e.target.value)} />}</Field>
        <Field label="Resolution within" error={err(times.resolution)}>{(id, hint) => <input id={id} aria-describedby={hint} value={resolution} onChange={(e) => setResolution(e.target.value)} />}</Field>
      </div>
      <p className="muted">Business time: the clock runs only while the calendar is open. Ctrl+Enter saves · Esc cancels</p>
    </FormDialog>
  );
}

function Remove({ what, onConfirm, onDone, busy, error }: { what: string; onConfirm(): void; onDone(): void; busy: boolean; error: unknown }) {
  return (
    <FormDialog label={`Remove ${what}?`} submit="Remove" danger focusSubmit onClose={onDone} busy={busy} error={(error as { message?: string } | null)?.message ?? null} onSubmit={onConfirm}>
      <p>Waiting work gets its due times again from the policies that remain.</p>
    </FormDialog>
  );
}

/** When a post arriving now would be due, under the saved policies. */
function Preview({ config }: { config: RoutingConfigView }) {
  const [priority, setPriority] = useState<Priority>('normal');
  const [channel, setChannel] = useState<Channel>('x');
  const q = useAdminQuery('slaPreview', { body: { priority, channel } }, { refetchMs: 60_000 });
  const r = q.data;
  const policy = r?.policy_id ? config.sla_policies.find((p) => p.id === r.policy_id) : null;
  const calendar = r?.calendar_id ? config.calendars.find((c) => c.id === r.calendar_id) : null;
  return (
    <section className="admin-preview" aria-label="Preview">
      <h3>Preview: a post arriving now</h3>
      <div className="admin-grid">
        <Field label="Priority">{(id) => (
          <select id={id} value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
            {PrioritySchema.options.map((p) => <option key={p} value={p}>{PRIORITY_LABEL[p]}</option>)}
          </select>
        )}</Field>
        <Field label="Channel">{(id) => (
          <select id={id} value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
            {ChannelSchema.options.filter((c) => c !== 'sandbox').map((c) => <option key={c} value={c}>{CHANNEL_LABEL[c] ?? c}</option>)}
          </select>
        )}</Field>
      </div>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {r && (
        <div role="status" aria-label="Preview result">
          {!r.policy_id ? <p>No policy matches: no due times.</p> : (
            <>
              <p>Policy <strong>{policy?.name ?? r.policy_id}</strong>, {calendar ? <>business hours <strong>{calendar.name ?? calendar.id}</strong> ({calendar.time_zone}), {r.open_now ? 'open now' : 'closed now'}</> : 'day and night'}.</p>
              <dl className="admin-dues">
                <dt>First response due</dt><dd data-due={r.first_response_due ?? ''}>{when(r.first_response_due)} <span className="muted">{inHowLong(r.first_response_due, r.at)}</span></dd>
                <dt>Next response due</dt><dd>{when(r.next_response_due)} <span className="muted">{inHowLong(r.next_response_due, r.at)}</span></dd>
                <dt>Resolution due</dt><dd>{when(r.resolution_due)} <span className="muted">{inHowLong(r.resolution_due, r.at)}</span></dd>
              </dl>
            </>
          )}
        </div>
      )}
    </section>
  );
}

const describePolicy = (p: AdminSlaPolicy, cals: AdminCalendar[]) => [
  p.name ?? p.id,
  p.priorities.length ? p.priorities.map((x) => PRIORITY_LABEL[x]).join(', ') : 'any priority',
  p.channels.length ? p.channels.map((c) => CHANNEL_LABEL[c] ?? c).join(', ') : 'any channel',
  p.first_response_seconds ? `first response ${formatDuration(p.first_response_seconds)}` : null,
  p.next_response_seconds ? `next response ${formatDuration(p.next_response_seconds)}` : null,
  p.resolution_seconds ? `resolution ${formatDuration(p.resolution_seconds)}` : null,
  p.calendar_id ? `business hours ${cals.find((c) => c.id === p.calendar_id)?.name ?? p.calendar_id}` : 'day and night',
].filter(Boolean).join(', ');

export function Sla() {
  // the hub lets supervisors and admins change the routing configuration
  const role = useSession().data?.agent?.role;
  const canChange = role === 'admin' || role === 'supervisor';
  const q = useAdminQuery('routingConfig', {});
  const config = q.data?.config;
  const [dialog, setDialog] = useState<null | { kind: 'policy'; policy: AdminSlaPolicy | null } | { kind: 'calendar'; calendar: AdminCalendar | null }
    | { kind: 'remove-policy'; policy: AdminSlaPolicy } | { kind: 'remove-calendar'; calendar: AdminCalendar }>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const move = useAdminAction('setRoutingConfig', { onError: (e) => setRefusal(e.message) });
  const remove = useAdminAction('setRoutingConfig', { onSuccess: () => { setDialog(null); announce('Removed'); } });
  const close = () => { setDialog(null); remove.reset(); };
  return (
    <Screen ready={!!q.data || !!q.error} title="SLA and business hours"
      intro="Policies set how fast each post is answered and resolved, by priority and channel: the first policy that matches a post applies. Calendars say when the clock runs: weekly hours in a time zone, and holidays."
      keys={canChange ? 'j/k move · Tab other list · n new policy · c new calendar · Enter edit · Shift+J/K move a policy · Delete remove' : 'j/k move'}
      actions={canChange && <><button onClick={() => setDialog({ kind: 'policy', policy: null })}>New policy <kbd>n</kbd></button>
        <button onClick={() => setDialog({ kind: 'calendar', calendar: null })}>New calendar <kbd>c</kbd></button></>}
      onKey={(key) => {
        if (!canChange || !config) return false;
        if (key === 'n') { setDialog({ kind: 'policy', policy: null }); return true; }
        if (key === 'c') { setDialog({ kind: 'calendar', calendar: null }); return true; }
        return false;
      }}>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {config && (
        <>
          <h3 className="admin-sub">Policies, in order</h3>
          <KeyList label="SLA policies" items={config.sla_policies} id={(p) => p.id} empty="No policies: nothing is due. Press n to add one."
            onAction={(key, policy) => {
              if (!canChange) return false;
              setRefusal(null);
              if (key === 'Enter') { setDialog({ kind: 'policy', policy }); return true; }
              if (key === 'Delete' || key === 'Backspace') { setDialog({ kind: 'remove-policy', policy }); return true; }
              if (key === 'J' || key === 'K') {
                const list = [...config.sla_policies];
                const i = list.findIndex((p) => p.id === policy.id);
                const j = key === 'J' ? i + 1 : i - 1;
                if (j < 0 || j >= list.length) return true;
                [list[i], list[j]] = [list[j]!, list[i]!];
                move.mutate({ body: { ...config, sla_policies: list } }, { onSuccess: () => announce(`${policy.name ?? policy.id} moved ${key === 'J' ? 'down' : 'up'}`) });
                return true;
              }
              return false;
            }}
            render={(p) => (
              <span className="admin-row" aria-label={describePolicy(p, config.calendars)}>
                <strong>{p.name ?? p.id}</strong>
                <span className="tag">{p.priorities.length ? p.priorities.map((x) => PRIORITY_LABEL[x]).join(', ') : 'Any priority'}</span>
                <span className="tag">{p.channels.length ? p.channels.map((c) => CHANNEL_LABEL[c] ?? c).join(', ') : 'Any channel'}</span>
                <span className="muted num">first {formatDuration(p.first_response_seconds) || '—'} · next {formatDuration(p.next_response_seconds) || '—'} · resolve {formatDuration(p.resolution_seconds) || '—'}</span>
                <span className="muted">{p.calendar_id ? config.calendars.find((c) => c.id === p.calendar_id)?.name ?? p.calendar_id : 'day and night'}</span>
              </span>
            )} />
          <h3 className="admin-sub">Business-hours calendars</h3>
          <KeyList label="Calendars" items={config.calendars} id={(c) => c.id} empty="No calendars: every policy runs day and night. Press c to add one."
            onAction={(key, calendar) => {
              if (!canChange) return false;
              setRefusal(null);
              if (key === 'Enter') { setDialog({ kind: 'calendar', calendar }); return true; }
              if (key === 'Delete' || key === 'Backspace') { setDialog({ kind: 'remove-calendar', calendar }); return true; }
              return false;
            }}
            render={(c) => {
              const summary = weekSummary(c, WEEKDAYS);
              const upcoming = c.holidays.filter((d) => d >= new Date().toISOString().slice(0, 10));
              return (
                <span className="admin-row" aria-label={`${c.name ?? c.id}, ${c.time_zone}, ${summary}, ${c.holidays.length} holidays`}>
                  <strong>{c.name ?? c.id}</strong>
                  <span className="tag">{c.time_zone}</span>
                  <span className="muted">{summary}</span>
                  <span className="muted num">{c.holidays.length} holiday{c.holidays.length === 1 ? '' : 's'}{upcoming[0] ? `, next ${upcoming[0]}` : ''}</span>
                </span>
              );
            }} />
          {refusal && <p className="error" role="alert">{refusal}</p>}
          <Preview config={config} />
          {dialog?.kind === 'policy' && <PolicyForm config={config} policy={dialog.policy} onDone={close} />}
          {dialog?.kind === 'calendar' && <CalendarForm config={config} calendar={dialog.calendar} onDone={close} />}
          {dialog?.kind === 'remove-policy' && (
            <Remove what={`policy ${dialog.policy.name ?? dialog.policy.id}`} onDone={close} busy={remove.isPending} error={remove.error}
              onConfirm={() => remove.mutate({ body: { ...config, sla_policies: config.sla_policies.filter((p) => p.id !== dialog.policy.id) } })} />
          )}
          {dialog?.kind === 'remove-calendar' && (
            <Remove what={`calendar ${dialog.calendar.name ?? dialog.calendar.id}`} onDone={close} busy={remove.isPending} error={remove.error}
              onConfirm={() => remove.mutate({ body: { ...config, calendars: config.calendars.filter((c) => c.id !== dialog.calendar.id) } })} />
          )}
        </>
      )}
    </Screen>
  );
}
