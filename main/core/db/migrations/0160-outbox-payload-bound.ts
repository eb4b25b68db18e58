import type { Database } from 'better-sqlite3';

/**
 * A mutation id names one payload, for ever (the hub refuses the same id with another payload:
 * 409 id_reused). The outbox never rewrites what a queued id sends: an edited draft is queued
 * again under a new id. This trigger makes that a rule of the file, not only of the code.
 */
export default function outboxPayloadBound(db: Database): void {
  db.exec(`
    CREATE TRIGGER outbox_payload_bound BEFORE UPDATE OF type, args, conversation_id ON outbox
    WHEN NEW.id = OLD.id AND (NEW.type IS NOT OLD.type OR NEW.args IS NOT OLD.args OR NEW.conversation_id IS NOT OLD.conversation_id)
    BEGIN
      SELECT RAISE(ABORT, 'outbox: a queued mutation id keeps its payload; queue the change under a new id');
    END;
  `);
}
