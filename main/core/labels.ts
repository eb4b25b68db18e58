/**
 * What an agent's label correction changes in the cached conversation, before the hub has it:
 * the analysis shows the corrected label at once (marked as corrected), and a corrected
 * priority moves the conversation too.
 */
import type { LabelTask } from '../../shared/contract/desktop';
import { PrioritySchema, type Conversation, type Priority } from '../../shared/domain';
import { CoreError } from './errors';

export const SENTIMENT_LABELS = ['positive', 'neutral', 'negative'] as const;

export function labelPatch(c: Conversation, task: LabelTask, label: string): Partial<Conversation> {
  const value = label.trim();
  const corrected = { ...((c.analysis.corrected as Record<string, string> | undefined) ?? {}), [task]: value };
  const analysis = { ...c.analysis, corrected };
  switch (task) {
    case 'sentiment': {
      // Keep the strength of the old score, with the sign of the new label.
      const strength = Math.abs(c.analysis.sentiment?.score ?? 0) || 0.5;
      const lower = value.toLowerCase();
      const score = lower.startsWith('pos') ? strength : lower.startsWith('neg') ? -strength : 0;
      return { analysis: { ...analysis, sentiment: { label: value, score } } };
    }
    case 'intent': return { analysis: { ...analysis, intent: value } };
    case 'topic': return { analysis: { ...analysis, topic: value } };
    case 'priority': {
      const p = PrioritySchema.safeParse(value);
      if (!p.success) throw new CoreError('invalid', `priority must be one of ${PrioritySchema.options.join(', ')}`);
      return { priority: p.data as Priority, analysis: { ...analysis, priority: p.data } };
    }
  }
}
