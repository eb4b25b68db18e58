/**
 * People: who works in the workspace, with presence and load, and what routing knows about them
 * (teams, languages, skills with levels, capacity per channel). Admins add people (a one-time
 * sign-up link or a temporary password they must change), change roles and reset access;
 * supervisors change teams, languages, skills and capacity.
 * Keys: j/k move, n new person, Enter edit, p new password or sign-up link.
 */
import { useState } from 'react';
import type { AdminAgent, Invite } from '../../../../shared/contract/admin';
import { inviteLink } from '../../../../shared/contract/admin';
import type { Role } from '../../../../shared/domain';
import { useAdminAction, useAdminQuery } from '../../api/admin';
import { useSession } from '../../api/queries';
import { clockTime } from '../../app/format';
import { useUi } from '../../app/store';
import { Avatar } from '../../components/Avatar';
import { Dialog } from '../../components/Dialog';
import { KeyList } from '../../components/KeyList';
import { CAPACITY, Field, FormDialog, formatLevels, LANGUAGES, parseLevels, Screen, SKILLS } from './parts';

const announce = (t: string) => useUi.getState().announce(t);
const ROLES: Array<[Role, string]> = [['agent', 'Agent'], ['supervisor', 'Supervisor'], ['admin', 'Admin']];

/** The link or password to hand over, shown once. */
function Handover({ name, invite, password, onDone }: { name: string; invite: Invite | null; password: string | null; onDone(): void }) {
  const hubUrl = useSession().data?.hub_url ?? '';
  const link = invite ? inviteLink(hubUrl, invite.token) : null;
  const [copied, setCopied] = useState(false);
  return (
    <Dialog label={`Access for ${name}`} onClose={onDone}>
      <h2>Access for {name}</h2>
      {link ? (
        <>
          <p>Send {name} this sign-up link. It works once, until {clockTime(invite!.expires_at)}: they paste it on Tend&apos;s sign-in screen (“I have a sign-up link”) and choose their password.</p>
          <input aria-label="Sign-up link" readOnly value={link} data-autofocus onFocus={(e) => e.target.select()} className="admin-secret" />
          <p className="muted">It is not shown again. A new one can be made with p on the person.</p>
        </>
      ) : (
        <p>{name} signs in with the temporary password you chose{password ? <> (<code>{password.replace(/./g, '•')}</code>)</> : null} and must choose their own before anything else works.</p>
      )}
      <div className="dialog-actions">
        {link && <button onClick={() => { void navigator.clipboard?.writeText(link).then(() => setCopied(true), () => setCopied(false)); }}>{copied ? 'Copied' : 'Copy link'}</button>}
        <button className="primary" onClick={onDone} data-autofocus={link ? undefined : true}>Done</button>
      </div>
    </Dialog>
  );
}

interface Draft {
  email: string; name: string; role: Role; team_ids: string[]; languages: string; skills: string; capacity: string;
  access: 'invite' | 'password'; password: string;
}

function PersonForm({ person, onDone, onHandover }: { person: AdminAgent | null; onDone(): void; onHandover(h: { name: string; invite: Invite | null; password: string | null }): void }) {
  const me = useSession().data?.agent;
  const isAdmin = me?.role === 'admin';
  const teams = (useAdminQuery('adminTeams', {}).data?.teams ?? []).filter((t) => !t.archived || person?.team_ids.includes(t.id));
  const [d, setD] = useState<Draft>(() => ({
    email: person?.email ?? '', name: person?.name ?? '', role: person?.role ?? 'agent', team_ids: person?.team_ids ?? [],
    languages: formatLevels(person?.languages ?? {}), skills: formatLevels(person?.skills ?? {}), capacity: formatLevels(person?.capacity ?? {}),
    access: 'invite', password: '',
  }));
  const set = (p: Partial<Draft>) => setD((x) => ({ ...x, ...p }));
  const languages = parseLevels(d.languages, LANGUAGES);
  const skills = parseLevels(d.skills, SKILLS);
  const capacity = parseLevels(d.capacity, CAPACITY);
  const [tried, setTried] = useState(false);
  const create = useAdminAction('adminCreateAgent', {
    onSuccess: (r) => { onDone(); announce(`${r.agent.name} added`); onHandover({ name: r.agent.name, invite: r.invite, password: r.invite ? null : d.password }); },
  });
  const update = useAdminAction('adminUpdateAgent', { onSuccess: (r) => { onDone(); announce(`${r.agent.name} saved`); } });
  const action = person ? update : create;
  const submit = () => {
    setTried(true);
    if ('error' in languages || 'error' in skills || 'error' in capacity) return;
    const common = { team_ids: d.team_ids, languages: languages.value, skills: skills.value, capacity: capacity.value };
    if (person) {
      update.mutate({ params: { id: person.id }, body: { ...common, ...(isAdmin ? { name: d.name, role: d.role } : {}) } });
    } else {
      create.mutate({ body: { ...common, email: d.email, name: d.name, role: d.role, access: d.access === 'invite' ? { kind: 'invite' } : { kind: 'password', password: d.password } } });
    }
  };
  const err = (r: { error: string } | { value: unknown }) => (tried && 'error' in r ? r.error : null);
  return (
    <FormDialog label={person ? `Edit ${person.name}` : 'Add a person'} submit={person ? 'Save' : 'Add'} onClose={onDone} busy={action.isPending} error={action.error} onSubmit={submit} wide>
      <div className="admin-grid">
        {!person && <Field label="E-mail">{(id) => <input id={id} type="email" data-autofocus value={d.email} onChange={(e) => set({ email: e.target.value })} placeholder="dana@example.com" />}</Field>}
        <Field label="Name">{(id) => <input id={id} data-autofocus={person ? true : undefined} value={d.name} disabled={!!person && !isAdmin} onChange={(e) => set({ name: e.target.value })} />}</Field>
        <Field label="Role" hint={isAdmin ? undefined : 'Only admins change roles'}>{(id, hint) => (
          <select id={id} aria-describedby={hint} value={d.role} disabled={!isAdmin} onChange={(e) => set({ role: e.target.value as Role })}>
            {ROLES.map(([r, label]) => <option key={r} value={r}>{label}</option>)}
          </select>
        )}</Field>
      </div>
      <fieldset className="admin-choice">
        <legend>Teams</legend>
        {teams.length === 0 && <span className="muted">No teams yet</span>}
        {teams.map((t) => (
          <label key={t.id}>
            <input type="checkbox" checked={d.team_ids.includes(t.id)}
              onChange={(e) => set({ team_ids: e.target.checked ? [...d.team_ids, t.id] : d.team_ids.filter((x) => x !== t.id) })} />
            {' '}{t.name} <span className="muted">{t.kind === 'support' ? 'support' : 'department'}{t.archived ? ', archived' : ''}</span>
          </label>
        ))}
      </fieldset>
      <div className="admin-grid">
        <Field label="Languages and level (1–10)" hint="Two-letter codes: en 9, pl 6" error={err(languages)}>{(id, hint) => (
          <input id={id} aria-describedby={hint} value={d.languages} onChange={(e) => set({ languages: e.target.value })} placeholder="en 9, pl 6" />
        )}</Field>
        <Field label="Skills and level (1–10)" hint="Routing skills: topic:billing 7, tier:vip 5" error={err(skills)}>{(id, hint) => (
          <input id={id} aria-describedby={hint} value={d.skills} onChange={(e) => set({ skills: e.target.value })} placeholder="topic:billing 7" />
        )}</Field>
        <Field label="Capacity per channel" hint="Open conversations at once: x 4, facebook 3, * 2 (* = any other). Empty = the default of 3." error={err(capacity)}>{(id, hint) => (
          <input id={id} aria-describedby={hint} value={d.capacity} onChange={(e) => set({ capacity: e.target.value })} placeholder="x 4, * 2" />
        )}</Field>
      </div>
      {!person && (
        <fieldset className="admin-choice">
          <legend>How they get in</legend>
          <label><input type="radio" name="access" checked={d.access === 'invite'} onChange={() => set({ access: 'invite' })} /> A one-time sign-up link (they choose their password)</label>
          <label><input type="radio" name="access" checked={d.access === 'password'} onChange={() => set({ access: 'password' })} /> A temporary password they must change at first sign-in</label>
          {d.access === 'password' && <Field label="Temporary password (8 characters or more)">{(id) => <input id={id} type="password" autoComplete="new-password" value={d.password} onChange={(e) => set({ password: e.target.value })} />}</Field>}
        </fieldset>
      )}
      <p className="muted">Ctrl+Enter saves · Esc cancels</p>
    </FormDialog>
  );
}

function ResetAccess({ person, onDone, onHandover }: { person: AdminAgent; onDone(): void; onHandover(h: { name: string; invite: Invite | null; password: string | null }): void }) {
  const [kind, setKind] = useState<'invite' | 'password'>('invite');
  const [password, setPassword] = useState('');
  const reset = useAdminAction('adminResetAgent', {
    onSuccess: (r) => { onDone(); announce(`New access for ${person.name}; their sessions ended`); onHandover({ name: person.name, invite: r.invite, password: r.invite ? null : password }); },
  });
  return (
    <FormDialog label={`New access for ${person.name}`} submit="Reset access" danger onClose={onDone} busy={reset.isPending} error={reset.error}
      onSubmit={() => reset.mutate({ params: { id: person.id }, body: kind === 'invite' ? { kind } : { kind, password } })}>
      <p>{person.name}&apos;s password stops working and every session of theirs ends now.</p>
      <fieldset className="admin-choice">
        <legend>Give them</legend>
        <label><input type="radio" name="reset" data-autofocus checked={kind === 'invite'} onChange={() => setKind('invite')} /> A new one-time sign-up link</label>
        <label><input type="radio" name="reset" checked={kind === 'password'} onChange={() => setKind('password')} /> A temporary password they must change</label>
      </fieldset>
      {kind === 'password' && <Field label="Temporary password (8 characters or more)">{(id) => <input id={id} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}</Field>}
    </FormDialog>
  );
}

function describe(p: AdminAgent, teamName: (id: string) => string): string {
  const parts = [p.name, p.role, p.email, p.presence ? p.presence.label : 'never signed in',
    `${p.load.open} open${p.load.capacity !== null ? ` of ${p.load.capacity}` : ''}`,
    p.team_ids.length ? `teams ${p.team_ids.map(teamName).join(', ')}` : 'no team'];
  if (p.disabled) parts.push('disabled');
  if (p.invite_pending) parts.push('invited, not signed up yet');
  if (p.must_change_password) parts.push('must change the temporary password');
  return parts.join(', ');
}

/** Disabling: no sign-in from now on, and every session of the person ends at once (their desktops are signed out). */
function Disable({ person, onDone }: { person: AdminAgent; onDone(): void }) {
  const disable = useAdminAction('adminDisableAgent', { onSuccess: (r) => { onDone(); useUi.getState().announce(`${person.name} disabled: ${r.revoked} ${r.revoked === 1 ? 'session' : 'sessions'} ended`); } });
  return (
    <FormDialog label={`Disable ${person.name}?`} submit="Disable" danger focusSubmit onClose={onDone} busy={disable.isPending} error={disable.error}
      onSubmit={() => disable.mutate({ params: { id: person.id } })}>
      <p>{person.name} cannot sign in any more, and is signed out everywhere now. Their conversations stay; enable them again with <kbd>d</kbd>.</p>
    </FormDialog>
  );
}

/** A person's sessions on the hub (where and since when), each revocable (Delete), or all at once (a). */
function Sessions({ person, onDone }: { person: AdminAgent; onDone(): void }) {
  const q = useAdminQuery('adminAgentSessions', { params: { id: person.id } }, { refetchMs: 10_000 });
  const [note, setNote] = useState<string | null>(null);
  const revoke = useAdminAction('adminRevokeSession', { onSuccess: (r) => setNote(`${r.revoked} ${r.revoked === 1 ? 'session' : 'sessions'} ended, ${r.streams_closed} open ${r.streams_closed === 1 ? 'stream' : 'streams'} closed`), onError: (e) => setNote(e.message) });
  const revokeAll = useAdminAction('adminRevokeAgentSessions', { onSuccess: (r) => setNote(`${r.revoked} ${r.revoked === 1 ? 'session' : 'sessions'} ended`), onError: (e) => setNote(e.message) });
  const sessions = q.data?.sessions ?? [];
  const when = (iso: string) => clockTime(iso);
  return (
    <Dialog label={`Sessions of ${person.name}`} onClose={onDone} wide>
      <h2>Sessions of {person.name}</h2>
      <p className="muted">j/k move · Delete end the session · a end them all · Esc close</p>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {q.data && (
        <KeyList label="Sessions" items={sessions} id={(x) => x.id} empty="No session: signed out everywhere."
          onAction={(key, x) => {
            if (key === 'Delete' || key === 'Backspace') { revoke.mutate({ params: { id: x.id } }); return true; }
            if (key === 'a') { revokeAll.mutate({ params: { id: person.id } }); return true; }
            return false;
          }}
          render={(x) => (
            <span className="admin-row" aria-label={`since ${when(x.created_at)}, last seen ${when(x.last_seen_at)}, from ${x.ip ?? 'unknown'}, ${x.streams} open streams${x.current ? ', this desktop' : ''}`}>
              <strong>{x.user_agent?.slice(0, 40) ?? 'Desktop'}</strong>
              <span className="muted">since {when(x.created_at)}</span>
              <span className="muted">last seen {when(x.last_seen_at)}</span>
              <span className="muted">{x.ip ?? ''}</span>
              <span className="muted num">{x.streams} streams</span>
              {x.current && <span className="tag">This desktop</span>}
            </span>
          )} />
      )}
      {note && <p className="muted" role="status">{note}</p>}
      <div className="dialog-actions"><button type="button" onClick={onDone}>Close</button></div>
    </Dialog>
  );
}

/** Sign-in lockouts (too many wrong passwords for an e-mail or from an address): Enter lifts one. */
function Lockouts() {
  const q = useAdminQuery('adminLockouts', {}, { refetchMs: 15_000 });
  const [note, setNote] = useState<string | null>(null);
  const lift = useAdminAction('adminLiftLockout', { onSuccess: (r) => setNote(r.lifted ? 'Lifted: they can sign in again' : 'Nothing to lift'), onError: (e) => setNote(e.message) });
  const list = q.data?.lockouts ?? [];
  return (
    <>
      <h3 className="admin-sub">Sign-in lockouts</h3>
      <KeyList label="Sign-in lockouts" items={list} id={(l) => `${l.kind}:${l.subject}`} empty="Nobody is locked out."
        onAction={(key, l) => {
          if (key !== 'Enter') return false;
          lift.mutate({ body: l.kind === 'account' ? { email: l.subject } : { ip: l.subject } });
          return true;
        }}
        render={(l) => (
          <span className="admin-row" aria-label={`${l.subject}, ${l.kind === 'account' ? 'account' : 'address'}, ${l.failures} failed sign-ins${l.locked_until ? `, locked until ${clockTime(l.locked_until)}` : ''}`}>
            <strong>{l.subject}</strong>
            <span className="tag">{l.kind === 'account' ? 'Account' : 'Address'}</span>
            <span className="muted num">{l.failures} failures</span>
            <span className="muted">{l.locked_until ? `locked until ${clockTime(l.locked_until)}` : l.blocked_until ? `waits until ${clockTime(l.blocked_until)}` : ''}</span>
            <span className="muted">Enter lifts</span>
          </span>
        )} />
      {note && <p className="muted" role="status">{note}</p>}
    </>
  );
}

export function People() {
  const me = useSession().data?.agent;
  const isAdmin = me?.role === 'admin';
  // presence and load change as people work: read again every 10 s while shown
  const q = useAdminQuery('adminAgents', {}, { refetchMs: 10_000 });
  const teams = useAdminQuery('adminTeams', {}).data?.teams ?? [];
  const teamName = (id: string) => teams.find((t) => t.id === id)?.name ?? id;
  const [dialog, setDialog] = useState<null | { kind: 'new' } | { kind: 'edit' | 'reset' | 'disable' | 'sessions'; person: AdminAgent }>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const enable = useAdminAction('adminEnableAgent', { onSuccess: () => useUi.getState().announce('Enabled: they can sign in again'), onError: (e) => setRefusal(e.message) });
  const [handover, setHandover] = useState<null | { name: string; invite: Invite | null; password: string | null }>(null);
  const people = q.data?.agents ?? [];
  return (
    <Screen ready={!!q.data || !!q.error} title="People"
      intro="Everyone who works in this workspace, what they are doing now, and what routing knows about them: teams, languages, skills and capacity."
      keys={isAdmin ? 'j/k move · n add a person · Enter edit · p new password or sign-up link · d disable or enable · s sessions' : 'j/k move · Enter edit teams, languages, skills and capacity'}
      actions={isAdmin && <button onClick={() => setDialog({ kind: 'new' })}>Add a person <kbd>n</kbd></button>}
      onKey={(key) => { if (key === 'n' && isAdmin) { setDialog({ kind: 'new' }); return true; } return false; }}>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {q.data && (
        <KeyList label="People" items={people} id={(p) => p.id} empty="Nobody yet: press n to add a person."
          onAction={(key, person) => {
            if (key === 'Enter') { setDialog({ kind: 'edit', person }); return true; }
            if (key === 'p' && isAdmin) { setDialog({ kind: 'reset', person }); return true; }
            if (key === 'd' && isAdmin) {
              setRefusal(null);
              if (person.disabled) enable.mutate({ params: { id: person.id } });
              else if (person.id === me?.id) setRefusal('You cannot disable your own account: ask another admin');
              else setDialog({ kind: 'disable', person });
              return true;
            }
            if (key === 's' && isAdmin) { setDialog({ kind: 'sessions', person }); return true; }
            return false;
          }}
          render={(p) => (
            <span className={`admin-row person${p.disabled ? ' archived' : ''}`} aria-label={describe(p, teamName)}>
              <Avatar name={p.name} size={22} />
              <strong>{p.name}</strong>
              <span className="tag">{ROLES.find(([r]) => r === p.role)![1]}</span>
              <span className={`presence-dot${p.presence?.routable ? ' on' : ''}`} aria-hidden="true" />
              <span className="muted">{p.presence ? p.presence.label : 'Never signed in'}</span>
              <span className="muted num">{p.load.open}{p.load.capacity !== null ? ` / ${p.load.capacity}` : ''} open</span>
              <span className="muted admin-teams">{p.team_ids.map(teamName).join(', ') || 'no team'}</span>
              {Object.keys(p.languages).length > 0 && <span className="muted">{Object.keys(p.languages).join(' ')}</span>}
              {p.invite_pending && <span className="tag warn">Invited</span>}
              {p.must_change_password && <span className="tag warn">Temporary password</span>}
              {p.disabled && <span className="tag">Disabled</span>}
            </span>
          )} />
      )}
      {dialog?.kind === 'new' && <PersonForm person={null} onDone={() => setDialog(null)} onHandover={setHandover} />}
      {dialog?.kind === 'edit' && <PersonForm person={dialog.person} onDone={() => setDialog(null)} onHandover={setHandover} />}
      {refusal && <p className="error" role="alert">{refusal}</p>}
      {isAdmin && q.data && <Lockouts />}
      {dialog?.kind === 'reset' && <ResetAccess person={dialog.person} onDone={() => setDialog(null)} onHandover={setHandover} />}
      {dialog?.kind === 'disable' && <Disable person={dialog.person} onDone={() => setDialog(null)} />}
      {dialog?.kind === 'sessions' && <Sessions person={dialog.person} onDone={() => setDialog(null)} />}
      {handover && <Handover {...handover} onDone={() => setHandover(null)} />}
    </Screen>
  );
}
