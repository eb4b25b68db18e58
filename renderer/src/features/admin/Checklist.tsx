/**
 * Getting started (admins): the hub's checklist for a new workspace: connect a channel, add people,
 * set business hours, review the routing rules. Each item ticks itself when done (the hub counts
 * what is there, read again after every admin change) and Enter opens the screen that does it.
 * Keys: j/k move, Enter open the item's screen.
 */
import type { AdminScreen } from '../../app/store';
import { useAdminQuery } from '../../api/admin';
import { useUi } from '../../app/store';
import { KeyList } from '../../components/KeyList';
import { Screen } from './parts';

const SCREEN_OF: Record<string, { screen: AdminScreen; label: string }> = {
  channel: { screen: 'channels', label: 'Channels' },
  people: { screen: 'people', label: 'People' },
  hours: { screen: 'sla', label: 'SLA and business hours' },
  rules: { screen: 'rules', label: 'Routing rules' },
};

export function Checklist() {
  const q = useAdminQuery('adminChecklist', {}, { refetchMs: 15_000 });
  const items = q.data?.items ?? [];
  const done = items.filter((i) => i.done).length;
  return (
    <Screen ready={!!q.data || !!q.error} title="Getting started"
      intro={q.data ? `${done} of ${items.length} done. Each item ticks itself once it is done; Enter opens the screen that does it.` : 'What a new workspace needs before the team starts.'}
      keys="j/k move · Enter open the screen">
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {q.data && (
        <KeyList label="Checklist" items={items} id={(i) => i.id} empty="Nothing to do."
          onAction={(key, item) => {
            if (key !== 'Enter') return false;
            const to = SCREEN_OF[item.id];
            if (to) useUi.getState().set({ adminScreen: to.screen, adminFocus: true });
            return true;
          }}
          render={(i) => (
            <span className="admin-row" aria-label={`${i.label}, ${i.done ? 'done' : 'to do'}: ${i.detail}`}>
              <span aria-hidden="true" className={`check-mark${i.done ? ' done' : ''}`}>{i.done ? '✓' : '○'}</span>
              <strong>{i.label}</strong>
              <span className={`tag${i.done ? ' kind-department' : ' warn'}`}>{i.done ? 'Done' : 'To do'}</span>
              <span className="muted">{i.detail}</span>
              {SCREEN_OF[i.id] && <span className="muted">→ {SCREEN_OF[i.id]!.label}</span>}
            </span>
          )} />
      )}
    </Screen>
  );
}
