/**
 * Shift+N found nothing to take: say why, and what would free a slot. The hub's pull takes the
 * head of each of the agent's queues that they have room for (load, counting a pending offer,
 * below their capacity on that channel) and the skills for; this reads the same facts from the
 * agent's presence (load, offer) and capacity.
 */
import type { AgentView } from '../../../shared/contract/routing';
import type { Channel } from '../../../shared/domain';
import { CHANNEL_LABEL } from './format';

export interface PullFacts {
  me: Pick<AgentView, 'load' | 'offer' | 'routable'> | undefined;
  /** per channel, '*' for any channel */
  capacity: Record<string, number>;
  /** conversations waiting in the agent's team queues */
  teamWaiting: number;
  /** the channel of the offered conversation, when it is known */
  offerChannel?: Channel | null;
}

const cap = (capacity: Record<string, number>, ch: string) => capacity[ch] ?? capacity['*'] ?? 0;

export function whyNothingToPull(f: PullFacts): string {
  if (f.teamWaiting === 0) return 'The team queue is empty.';
  const waiting = `${f.teamWaiting} waiting in the team queue`;
  if (f.me?.offer) return `${waiting}, but an offer is waiting for your answer and holds a slot${f.offerChannel ? ` on ${CHANNEL_LABEL[f.offerChannel]}` : ''}: Shift+A accepts it, Shift+X rejects it.`;
  const load = { ...(f.me?.load ?? {}) };
  const full = Object.keys({ ...load, ...f.capacity }).filter((ch) => ch !== '*' && (load[ch] ?? 0) >= cap(f.capacity, ch))
    .map((ch) => `${CHANNEL_LABEL[ch] ?? ch} ${load[ch] ?? 0}/${cap(f.capacity, ch)}`);
  if (full.length > 0) return `${waiting}, but you are at capacity (${full.join(', ')}): resolve or snooze one to free a slot.`;
  return `${waiting}, but none you can take: they need skills or channels you are not set up for. A supervisor can assign one to you.`;
}
