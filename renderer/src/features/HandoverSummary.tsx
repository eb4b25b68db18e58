/**
 * The handover summary at the top of the thread: the latest "Handover summary" internal note
 * (added by the core when the conversation changes hands, or on demand with Shift+H), as three
 * lines with where each came from. Waiting in the outbox offline, it shows all the same.
 */
import type { DesktopResponse } from '../../../shared/contract/desktop';

const HEADER = 'Handover summary\n';

export function HandoverSummary({ data }: { data: DesktopResponse<'conversation.get'> }) {
  const latest = [...data.notes].filter((n) => n.text.startsWith(HEADER)).sort((a, b) => a.created_at.localeCompare(b.created_at)).pop();
  if (!latest) return null;
  const lines = latest.text.slice(HEADER.length).split('\n').map((l) => l.replace(/^•\s*/, '')).filter(Boolean);
  return (
    <section className="handover-summary" aria-label="Handover summary">
      <h2>Handover summary <span className="muted">by {latest.author_name || 'you'}</span></h2>
      <ul>
        {lines.map((l, i) => {
          const m = /^(.*?)(?: \[from (.*)\])?$/.exec(l)!;
          return <li key={i}>{m[1]}{m[2] && <span className="muted source"> — from {m[2]}</span>}</li>;
        })}
      </ul>
    </section>
  );
}
