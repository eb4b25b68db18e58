/** Sign in to a hub. The demo hub started by `npm start` prints its address and demo accounts. */
import { Sprout } from 'lucide-react';
import { useState } from 'react';
import { useAction } from '../api/mutations';
import { keys, queryClient, useSession } from '../api/queries';

export const DEMO_HINT = 'Demo: sign in as ana@demo.tend with password "demo" (also ben@demo.tend, sam@demo.tend).';

export function Login() {
  const session = useSession();
  const [hubUrl, setHubUrl] = useState(session.data?.hub_url ?? 'http://127.0.0.1:4100');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useAction('session.login', {
    onSuccess: async (s) => {
      queryClient.setQueryData(keys.session, s);
      await queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
    },
  });
  const busy = login.isPending;
  const error = login.error?.message ?? null;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    login.mutate({ hub_url: hubUrl.trim(), email: email.trim(), password });
  };
  return (
    <main className="login">
      <form onSubmit={submit} aria-label="Sign in" className="login-form">
        <h1><Sprout size={24} aria-hidden="true" /> Tend</h1>
        <p className="muted">Sign in to your care hub.</p>
        <label>Hub URL<input name="hub" type="url" required value={hubUrl} onChange={(e) => setHubUrl(e.target.value)} autoComplete="url" /></label>
        <label>Email<input name="email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" autoFocus /></label>
        <label>Password<input name="password" type="password" required value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" /></label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <p className="muted hint">{DEMO_HINT}</p>
      </form>
    </main>
  );
}
