/**
 * Sign in to a hub; or join with a one-time sign-up link; or, after signing in with a temporary
 * password, choose your own. The demo hub started by `npm start` prints its address and demo accounts.
 */
import { Sprout } from 'lucide-react';
import { useState } from 'react';
import type { SessionStatus } from '../../../shared/contract/desktop';
import { NEW_PASSWORD_MIN } from '../../../shared/contract/admin';
import { useAction } from '../api/mutations';
import { keys, queryClient, useSession, useSetupNeeded } from '../api/queries';
import { noteSession, restoredNotice } from '../app/session';
import { useUi } from '../app/store';

export const DEMO_HINT = 'Demo: sign in as ana@demo.tend with password "demo" (also ben@demo.tend, sam@demo.tend).';

const signedIn = async (s: SessionStatus) => {
  noteSession(s); // another agent's screen state is wiped before this one's is shown
  queryClient.setQueryData(keys.session, s);
  const notice = restoredNotice(s);
  if (notice) useUi.getState().announce(notice);
  await queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
};

/** Two password fields that must agree, and the rule every new password follows. */
function NewPassword({ value, onChange, again, onAgain }: { value: string; onChange(v: string): void; again: string; onAgain(v: string): void }) {
  return (
    <>
      <label>New password<input name="new-password" type="password" required minLength={NEW_PASSWORD_MIN} value={value} onChange={(e) => onChange(e.target.value)} autoComplete="new-password" /></label>
      <label>New password again<input name="new-password-again" type="password" required value={again} onChange={(e) => onAgain(e.target.value)} autoComplete="new-password" /></label>
      <p className="muted hint">At least {NEW_PASSWORD_MIN} characters.</p>
    </>
  );
}

function mismatch(p: string, again: string): string | null {
  if (p.length < NEW_PASSWORD_MIN) return `A password has at least ${NEW_PASSWORD_MIN} characters.`;
  return p === again ? null : 'The two passwords are not the same.';
}

/** Signed in with a temporary password: nothing works until the person chooses their own. */
function ChoosePassword({ email }: { email: string }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  const change = useAction('session.changePassword', { onSuccess: signedIn });
  const logout = useAction('session.logout', { onSuccess: async () => { await queryClient.invalidateQueries({ queryKey: keys.session }); } });
  // signing out here keeps whatever kept work the sign-in brought back (nothing was typed on this screen)
  const error = local ?? change.error?.message ?? null;
  return (
    <main className="login">
      <form aria-label="Choose your password" className="login-form" onSubmit={(e) => {
        e.preventDefault();
        const m = mismatch(next, again);
        setLocal(m);
        if (!m) change.mutate({ current_password: current, new_password: next });
      }}>
        <h1><Sprout size={24} aria-hidden="true" /> Tend</h1>
        <p>You signed in as <strong>{email}</strong> with a temporary password. Choose your own to continue.</p>
        <label>Temporary password<input name="current-password" type="password" required autoFocus value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" /></label>
        <NewPassword value={next} onChange={setNext} again={again} onAgain={setAgain} />
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={change.isPending}>{change.isPending ? 'Saving…' : 'Save and continue'}</button>
        <button type="button" className="link" onClick={() => logout.mutate({ unsent: 'keep' })}>Sign in as someone else</button>
      </form>
    </main>
  );
}

/** A one-time sign-up link from an admin: paste it, choose a password, and you are in. */
function Join({ onBack }: { onBack(): void }) {
  const [link, setLink] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  const join = useAction('session.acceptInvite', { onSuccess: signedIn });
  const error = local ?? join.error?.message ?? null;
  return (
    <main className="login">
      <form aria-label="Join with a sign-up link" className="login-form" onSubmit={(e) => {
        e.preventDefault();
        const m = mismatch(next, again);
        setLocal(m);
        if (!m) join.mutate({ link, password: next });
      }}>
        <h1><Sprout size={24} aria-hidden="true" /> Tend</h1>
        <p className="muted">Paste the sign-up link your admin sent you, and choose your password.</p>
        <label>Sign-up link<input name="link" type="url" required autoFocus value={link} onChange={(e) => setLink(e.target.value)} placeholder="https://hub.example.com/join#…" /></label>
        <NewPassword value={next} onChange={setNext} again={again} onAgain={setAgain} />
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={join.isPending}>{join.isPending ? 'Joining…' : 'Join'}</button>
        <button type="button" className="link" onClick={onBack}>I have an account: sign in</button>
      </form>
    </main>
  );
}

const ZONES: string[] = (() => { try { return Intl.supportedValuesOf('timeZone'); } catch { return ['UTC']; } })();
const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * First run: a hub with nobody on it yet asks for its first admin and the workspace (name, time
 * zone); the hub creates the workspace with its support team, the four departments and the starter
 * canned responses. The admin is signed in and lands on the checklist (Administration: Getting started).
 */
function FirstRun({ hubUrl, onOtherHub }: { hubUrl: string; onOtherHub(): void }) {
  const [workspace, setWorkspace] = useState('');
  const [zone, setZone] = useState(localZone());
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  const setup = useAction('session.setup', {
    onSuccess: async (s) => {
      await signedIn(s);
      useUi.getState().set({ view: 'admin', adminScreen: 'checklist', adminFocus: true });
      useUi.getState().announce(`${workspace.trim()} is set up: here is what to do next`);
    },
  });
  const error = local ?? setup.error?.message ?? null;
  return (
    <main className="login">
      <form aria-label="Set up this hub" className="login-form" noValidate onSubmit={(e) => {
        e.preventDefault();
        const m = mismatch(next, again);
        setLocal(m);
        if (!m) setup.mutate({ hub_url: hubUrl, workspace_name: workspace, time_zone: zone, name, email, password: next });
      }}>
        <h1><Sprout size={24} aria-hidden="true" /> Tend</h1>
        <p>Nobody is on the hub at <strong>{hubUrl}</strong> yet. Set up your workspace and its first admin: you.</p>
        <label>Workspace name<input name="workspace" required autoFocus value={workspace} onChange={(e) => setWorkspace(e.target.value)} placeholder="Acme Care" /></label>
        <label>Time zone<select name="time-zone" value={zone} onChange={(e) => setZone(e.target.value)}>
          {(ZONES.includes(zone) ? ZONES : [zone, ...ZONES]).map((z) => <option key={z} value={z}>{z}</option>)}
        </select></label>
        <label>Your name<input name="name" required value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" /></label>
        <label>Email<input name="email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" /></label>
        <NewPassword value={next} onChange={setNext} again={again} onAgain={setAgain} />
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={setup.isPending}>{setup.isPending ? 'Setting up…' : 'Set up and sign in'}</button>
        <button type="button" className="link" onClick={onOtherHub}>Sign in to another hub</button>
      </form>
    </main>
  );
}

export function Login() {
  const session = useSession();
  const [hubUrl, setHubUrl] = useState(session.data?.hub_url ?? 'http://127.0.0.1:4100');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [joining, setJoining] = useState(false);
  // the hub the sign-in screen opened with: when nobody is on it yet, the first-run form shows instead
  const [checkedHub, setCheckedHub] = useState<string | null>(session.data?.hub_url ?? 'http://127.0.0.1:4100');
  const fresh = useSetupNeeded(checkedHub ?? '');
  const login = useAction('session.login', { onSuccess: signedIn });
  const busy = login.isPending;
  const error = login.error?.message ?? null;
  if (session.data?.password_change) return <ChoosePassword email={session.data.password_change.email} />;
  if (joining) return <Join onBack={() => setJoining(false)} />;
  if (checkedHub && fresh.data?.needed) return <FirstRun hubUrl={checkedHub} onOtherHub={() => setCheckedHub(null)} />;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    login.mutate({ hub_url: hubUrl.trim(), email: email.trim(), password });
  };
  return (
    <main className="login">
      <form onSubmit={submit} aria-label="Sign in" className="login-form">
        <h1><Sprout size={24} aria-hidden="true" /> Tend</h1>
        <p className="muted">Sign in to your care hub.</p>
        <label>Hub URL<input name="hub" type="url" required value={hubUrl} onChange={(e) => setHubUrl(e.target.value)} autoComplete="url"
          onBlur={() => { if (hubUrl.trim() !== checkedHub) setCheckedHub(hubUrl.trim()); }} /></label>
        <label>Email<input name="email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" autoFocus /></label>
        <label>Password<input name="password" type="password" required value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" /></label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <button type="button" className="link" onClick={() => setJoining(true)}>I have a sign-up link</button>
        <p className="muted hint">{DEMO_HINT}</p>
      </form>
    </main>
  );
}
