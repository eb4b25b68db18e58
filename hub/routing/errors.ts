/**
 * Every refusal of the routing engine is a RoutingError with a machine-readable code.
 * The engine validates before it mutates, so a thrown RoutingError means nothing changed.
 */
export type RoutingErrorCode =
  | 'invalid_config'
  | 'invalid_rule'
  | 'invalid_input'
  | 'unknown_agent'
  | 'unknown_conversation'
  | 'unknown_activity'
  | 'unknown_queue'
  | 'unknown_insight'
  | 'no_offer'
  | 'offer_not_yours'
  | 'offer_expired'
  | 'already_assigned'
  | 'not_assigned'
  | 'over_capacity'
  | 'not_eligible'
  | 'conversation_closed'
  | 'insight_closed'
  | 'agent_offline'
  | 'rules_changed';

export class RoutingError extends Error {
  constructor(readonly code: RoutingErrorCode, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'RoutingError';
  }
}
