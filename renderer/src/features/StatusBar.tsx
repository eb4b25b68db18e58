/** Who is signed in, online/offline, outbox count, sync state, and the palette hint. */
import { useEffect, useState } from 'react';
import { transport } from '../api/client';
import { useAction } from '../api/mutations';
import { queryClient, useSession } from '../api/queries';
import { isMac } from '../app/format';
import { formatCombo } from '../app/keymap';
import { run } from '../app/actions';
import { useUi } from '../app/store';
import { PresenceStatus } from './Presence';
import { canSeeInsights } from './access';

export function StatusBar() {
  const s = useSession().data;
  const announcement = useUi((u) => u.announcement);
  const view = useUi((u) => u.view);
  const [hostUp, setHostUp] = useState(true);
  const logout = useAction('session.logout', { onSuccess: () => queryClient.invalidateQueries() });
  useEffect(() => transport.onConnection(setHostUp), []);
  if (!s) return null;
  const online = hostUp && s.online;
  return (
    <header className="statusbar" role="banner">
      <span className="brand">Tend</span>
      <span className="agent">{s.agent?.name}</span>
      <PresenceStatus />
      {(s.agent?.role === 'supervisor' || s.agent?.role === 'admin') && (
        <button className="link" onClick={() => run('view.floor')} aria-label="Switch between inbox and floor (Shift+F)">{view === 'floor' ? 'Inbox' : 'Floor'} <kbd>⇧F</kbd></button>
      )}
      {canSeeInsights(s) && (
        <button className="link" onClick={() => run('view.insights')} aria-label="Switch between inbox and department insights (Shift+I)">{view === 'insights' ? 'Inbox' : 'Insights'} <kbd>⇧I</kbd></button>
      )}
      <span role="status" aria-label={online ? 'Online' : 'Offline'} className={`conn ${online ? 'online' : 'offline'}`}>
        <span aria-hidden="true">{online ? '●' : '○'}</span> {hostUp ? (s.online ? 'Online' : 'Offline') : 'App host unreachable'}
      </span>
      <span role="status" aria-label={`Outbox ${s.outbox_count}`} className={`outbox num${s.outbox_count ? ' pending' : ''}`}>Outbox {s.outbox_count}</span>
      <span className="muted sync num" aria-label="Sync state">{s.syncing ? 'Syncing…' : `Synced #${s.last_sync_id}`}</span>
      <span className="live" role="status" aria-live="polite">{announcement}</span>
      <span className="spacer" />
      <button className="link" onClick={() => useUi.getState().open('palette')} aria-label="Command palette">
        <kbd>{formatCombo('$mod+K', isMac)}</kbd> commands
      </button>
      <button className="link" onClick={() => useUi.getState().open('shortcuts')} aria-label="Keyboard shortcuts"><kbd>?</kbd></button>
      <button className="link" disabled={logout.isPending} onClick={() => logout.mutate({})}>Sign out</button>
    </header>
  );
}
