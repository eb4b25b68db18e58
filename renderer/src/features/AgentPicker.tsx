/**
 * Choosing who takes a conversation (Assign in the inbox, reassign on the Floor): each person
 * with their presence and load, where the hub tells them (supervisors see everyone's; an agent
 * sees only their own). Giving work to someone offline, not taking conversations, or at
 * capacity asks first: Enter assigns anyway, Escape goes back to the list.
 */
import { useState } from 'react';
import { ListPicker, type PickItem } from '../components/ListPicker';

export interface AgentChoice {
  id: string;
  name: string;
  /** what the hub says, when it says it */
  presence?: string;
  routable?: boolean;
  open?: number;
  capacity?: number;
}

/** Presence as the agent reads it ("Break", whether the hub sends the activity's label or its id). */
const label = (p: string) => p.charAt(0).toUpperCase() + p.slice(1);

export function agentWarning(a: AgentChoice): string | null {
  const problems: string[] = [];
  if (a.presence !== undefined && a.routable === false) problems.push(a.presence.toLowerCase() === 'offline' ? 'offline' : `on ${label(a.presence)}`);
  if (a.open !== undefined && a.capacity !== undefined && a.open >= a.capacity) problems.push(`at ${a.open}/${a.capacity}`);
  return problems.length ? `${a.name} is ${problems.join(' and ')}` : null;
}

const detail = (a: AgentChoice) => [a.presence && label(a.presence), a.open !== undefined && a.capacity !== undefined ? `${a.open}/${a.capacity}` : null].filter(Boolean).join(' · ') || undefined;

export function AgentPicker(props: {
  label: string; agents: AgentChoice[]; onPick(agentId: string | null, name: string): void; onClose(): void;
  /** the "nobody" choice, e.g. "Unassign (back to the team queue)" */
  none?: string;
}) {
  const [confirm, setConfirm] = useState<{ agent: AgentChoice; warning: string } | null>(null);
  if (confirm) {
    const after = confirm.agent.open !== undefined && confirm.agent.capacity !== undefined ? ` (${confirm.agent.open + 1}/${confirm.agent.capacity} after this)` : '';
    return (
      <ListPicker key="confirm" label={`${confirm.warning}. Assign anyway?`} placeholder="Enter assigns anyway · Esc chooses someone else" filter={false}
        items={[{ id: 'yes', key: 'y', label: `Assign to ${confirm.agent.name} anyway${after}` }, { id: 'no', key: 'n', label: 'Choose someone else' }]}
        onClose={() => setConfirm(null)}
        onPick={(it) => { if (it.id === 'yes') props.onPick(confirm.agent.id, confirm.agent.name); else setConfirm(null); }} />
    );
  }
  const items: PickItem[] = [
    ...props.agents.map((a) => ({ id: a.id, label: a.name, detail: detail(a), warn: !!agentWarning(a) })),
    ...(props.none ? [{ id: '', label: props.none }] : []),
  ];
  return (
    <ListPicker key="agents" label={props.label} placeholder="Type a name…" items={items} onClose={props.onClose} onPick={(it) => {
      if (!it.id) { props.onPick(null, it.label); return; }
      const agent = props.agents.find((a) => a.id === it.id)!;
      const warning = agentWarning(agent);
      if (warning) setConfirm({ agent, warning });
      else props.onPick(agent.id, agent.name);
    }} />
  );
}
