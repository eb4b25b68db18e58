import type { Database } from 'better-sqlite3';
import createMeta from './0010-create-meta';
import createConversations from './0020-create-conversations';
import createMessages from './0030-create-messages';
import createCustomersNotes from './0040-create-customers-notes';
import createLocalState from './0050-create-local-state';
import ftsMergeWhenIdle from './0060-fts-merge-when-idle';
import addDraftRejectionDetails from './0100-draft-rejection-details';
import ftsDeferredIndexing from './0110-fts-deferred-indexing';
import messagesKeyedByConversation from './0120-messages-keyed-by-conversation';
import inboxSlaOrderByMerge from './0130-inbox-sla-order-by-merge';
import pruneMessagesWhenIdle from './0140-prune-messages-when-idle';
import outboxPayloadBound from './0160-outbox-payload-bound';
import draftRefusalUnseen from './0170-draft-refusal-unseen';
import approvalReturns from './0180-approval-returns';
import actionRuns from './0200-action-runs';
import noteDrafts from './0240-note-drafts';

export interface Migration { version: number; name: string; up: (db: Database) => void }

/** Append only: a shipped migration is never edited, a new one gets the next number. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 10, name: 'create-meta', up: createMeta },
  { version: 20, name: 'create-conversations', up: createConversations },
  { version: 30, name: 'create-messages', up: createMessages },
  { version: 40, name: 'create-customers-notes', up: createCustomersNotes },
  { version: 50, name: 'create-local-state', up: createLocalState },
  { version: 60, name: 'fts-merge-when-idle', up: ftsMergeWhenIdle },
  { version: 100, name: 'draft-rejection-details', up: addDraftRejectionDetails },
  { version: 110, name: 'fts-deferred-indexing', up: ftsDeferredIndexing },
  { version: 120, name: 'messages-keyed-by-conversation', up: messagesKeyedByConversation },
  { version: 130, name: 'inbox-sla-order-by-merge', up: inboxSlaOrderByMerge },
  { version: 140, name: 'prune-messages-when-idle', up: pruneMessagesWhenIdle },
  { version: 160, name: 'outbox-payload-bound', up: outboxPayloadBound },
  { version: 170, name: 'draft-refusal-unseen', up: draftRefusalUnseen },
  { version: 180, name: 'approval-returns', up: approvalReturns },
  { version: 200, name: 'action-runs', up: actionRuns },
  { version: 240, name: 'note-drafts', up: noteDrafts },
];
