/** One line, never two: who is signed in, presence, online/offline, outbox, sync, and the way to every command. */
import { CloudOff, Command, Keyboard, LogOut, RefreshCw, Send, Sprout, Wifi } from 'lucide-react';
import { useEffect, useState } from 'react';
import { transport } from '../api/client';
import { useSession } from '../api/queries';
import { run } from '../app/actions';
import { isMac } from '../app/format';
import { formatCombo } from '../app/keymap';
import { useUi } from '../app/store';
import { Avatar } from '../components/Avatar';
import { canSeeInsights } from './access';
import { PresenceStatus } from './Presence';

export function StatusBar() {
  const s = useSession().data;
  const view = useUi((u) => u.view);
  const [hostUp, setHostUp] = useState(true);
  useEffect(() => transport.onConnection(setHostUp), []);
  if (!s) return null;
  const online = hostUp && s.online;
  return (
    <header className="statusbar" role="banner">
      <span className="brand"><Sprout size={16} aria-hidden="true" /> Tend</span>
      {s.agent && <span className="agent"><Avatar name={s.agent.name} id={s.agent.id} size={22} /> {s.agent.name}</span>}
      <PresenceStatus />
      {(s.agent?.role === 'supervisor' || s.agent?.role === 'admin') && (
        <button className="link" onClick={() => run('view.floor')} aria-label="Switch between inbox and floor (Shift+F)">{view === 'floor' ? 'Inbox' : 'Floor'} <kbd>⇧F</kbd></button>
      )}
      {canSeeInsights(s) && (
        <button className="link" onClick={() => run('view.insights')} aria-label="Switch between inbox and department insights (Shift+I)">{view === 'insights' ? 'Inbox' : 'Insights'} <kbd>⇧I</kbd></button>
      )}
      <span role="status" aria-label={online ? 'Online' : 'Offline'} className={`conn ${online ? 'online' : 'offline'}`}>
        {online ? <Wifi size={14} aria-hidden="true" /> : <CloudOff size={14} aria-hidden="true" />} {hostUp ? (s.online ? 'Online' : 'Offline') : 'App host unreachable'}
      </span>
      <span role="status" aria-label={`Outbox ${s.outbox_count}`} className={`outbox num${s.outbox_count ? ' pending' : ''}`}
        title={s.outbox_count ? 'Replies waiting to be sent: they leave when the hub is reachable' : 'Every reply has been sent'}>
        <Send size={13} aria-hidden="true" /> Outbox {s.outbox_count}
      </span>
      {/* the sync id is the engineers' business: the agent needs to know whether it is up to date */}
      <span className="muted sync" aria-label="Sync state">{s.syncing ? <><RefreshCw size={13} aria-hidden="true" /> Syncing…</> : online ? 'Up to date' : 'Working from this desktop'}</span>
      <span className="spacer" />
      <button className="link" onClick={() => useUi.getState().open('palette')} aria-label="Command palette">
        <Command size={14} aria-hidden="true" /> <kbd>{formatCombo('$mod+K', isMac)}</kbd>
      </button>
      <button className="link" onClick={() => useUi.getState().open('shortcuts')} aria-label="Keyboard shortcuts"><Keyboard size={15} aria-hidden="true" /> <kbd>?</kbd></button>
      {/* with work not sent it asks first (features/SignOut.tsx); never an error that only the console sees */}
      <button className="link" onClick={() => run('session.signOut')}><LogOut size={14} aria-hidden="true" /> Sign out</button>
    </header>
  );
}
