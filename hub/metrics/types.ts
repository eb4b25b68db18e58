/**
 * Plain records the metrics are computed over. Times are epoch milliseconds (UTC) so a report over
 * a million messages does no date parsing in its inner loop; `fromIso` adapters live in records.ts.
 */
import type { Channel, ConversationStatus, Priority } from '../../shared/domain';

export interface MetricMessage {
  at: number;
  direction: 'inbound' | 'outbound';
  /** A reply that never reached the customer is not an answer. */
  failed?: boolean;
  /** Sentiment score of an inbound message, −1 (negative) … +1 (positive), when analysed. */
  sentiment?: number | null;
}

/** One entry of a conversation's history: a status change or an assignment change. */
export type ConversationEvent =
  | { at: number; type: 'status'; status: ConversationStatus }
  | { at: number; type: 'assign'; agent_id: string | null };

export interface MetricConversation {
  id: string;
  channel: Channel;
  /** The brand account the conversation came in on (for TWCS imports: the brand's handle). */
  account_id: string | null;
  assignee_id: string | null;
  team_id: string | null;
  priority: Priority;
  intent: string | null;
  topic: string | null;
  tags: string[];
  created_at: number;
  /** Sorted by `at`. */
  messages: MetricMessage[];
  /**
   * Sentiment scores of the customer's messages in order, when they are kept apart from the
   * messages (the hub records them as conversation events). Overrides `messages[].sentiment`.
   */
  sentiments?: number[];
  /** Sorted by `at`. Empty means "derive from status/resolved_at/assignee" (imported history). */
  events: ConversationEvent[];
  /** Current state, used when `events` is empty. */
  status: ConversationStatus;
  resolved_at: number | null;
  /**
   * Active time agents spent on it (handle time): one entry per span recorded by a desktop, `at` when
   * the span began, `ms` the active milliseconds in it. Absent or empty: none recorded.
   */
  active?: Array<{ at: number; ms: number }>;
  /** SLA due times computed by routing, when it set them. */
  first_response_due_at: number | null;
  resolution_due_at: number | null;
}

export type SurveyKind = 'csat' | 'effort';

export interface SurveyRecord {
  conversation_id: string;
  kind: SurveyKind;
  asked_at: number;
  answered_at: number | null;
  /** 1–5 once answered. */
  score: number | null;
}

/** A signal routed to a department (product quality, store operations, …) rather than answered. */
export interface InsightRecord {
  id: string;
  department_id: string;
  conversation_id: string | null;
  created_at: number;
  closed_at: number | null;
}
