/**
 * Editing a customer and merging profiles of one person, from the customer card or by key:
 * Shift+C edits tags and notes (queued like any change, so it works offline), Shift+D merges
 * with a profile the hub suggests (same name, e-mail, phone, or a handle mentioned in messages),
 * after a confirmation; every merge into this customer is listed in the card with its undo.
 * Merging and undoing need the hub (they move handles and conversations between profiles).
 */
import { GitMerge, Undo2 } from 'lucide-react';
import { useState } from 'react';
import type { Merge, MergeSuggestion } from '../../../shared/contract/customers';
import type { Customer } from '../../../shared/domain';
import { act, useAction } from '../api/mutations';
import { queryClient, useConversation, useCustomer, useCustomerRelated, useSession } from '../api/queries';
import { dateOnly } from '../app/format';
import { useUi } from '../app/store';
import { ChannelIcon } from '../components/ChannelIcon';
import { Dialog } from '../components/Dialog';
import { ListPicker } from '../components/ListPicker';

const close = () => useUi.getState().open(null);
const announce = (t: string) => useUi.getState().announce(t);

/** The selected conversation's customer, as the cache has it. */
function useCurrentCustomer(): { conversationId: string | null; customer: Customer | null } {
  const conversationId = useUi((s) => s.selectedId);
  const conv = useConversation(conversationId).data;
  const customer = useCustomer(conv?.conversation.customer_id ?? null).data?.customer ?? null;
  return { conversationId, customer };
}

const parseTags = (text: string) => [...new Set(text.split(/[\s,]+/).map((t) => t.replace(/^#/, '').trim()).filter(Boolean))];

/** Shift+C: the customer's tags and notes. Ctrl+Enter saves; Escape leaves them as they were. */
export function CustomerEditor() {
  const { conversationId, customer } = useCurrentCustomer();
  const [tags, setTags] = useState<string | null>(null);
  const [notes, setNotes] = useState<string | null>(null);
  const save = useAction('customer.update', { onSuccess: () => { close(); announce(`Saved ${customer?.name ?? 'the customer'}`); } });
  if (!customer || !conversationId) {
    return <Dialog label="Edit customer" onClose={close}><p>No customer selected.</p><div className="dialog-actions"><button onClick={close}>Close</button></div></Dialog>;
  }
  const tagText = tags ?? customer.tags.map((t) => `#${t}`).join(' ');
  const noteText = notes ?? customer.notes;
  const submit = () => {
    if (save.isPending) return;
    const next = parseTags(tagText);
    const add_tags = next.filter((t) => !customer.tags.includes(t));
    const remove_tags = customer.tags.filter((t) => !next.includes(t));
    const notesChanged = noteText !== customer.notes;
    if (!add_tags.length && !remove_tags.length && !notesChanged) { close(); return; }
    save.mutate({ conversation_id: conversationId, add_tags, remove_tags, ...(notesChanged ? { notes: noteText } : {}) });
  };
  const onKeyDown = (e: React.KeyboardEvent) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); } };
  return (
    <Dialog label={`Edit ${customer.name}`} onClose={close}>
      <h2>Edit {customer.name}</h2>
      <label className="field">Tags <span className="muted">(separated by spaces or commas)</span>
        <input data-autofocus value={tagText} onChange={(e) => setTags(e.target.value)} onKeyDown={onKeyDown} placeholder="#vip #refund" spellCheck={false} />
      </label>
      <label className="field">Notes
        <textarea rows={5} value={noteText} maxLength={10_000} onChange={(e) => setNotes(e.target.value)} onKeyDown={onKeyDown} placeholder="What every colleague should know about this customer" />
      </label>
      {save.error && <p className="error" role="alert">{save.error.message}</p>}
      <p className="muted">Ctrl+Enter saves · Esc cancels · saved offline too, sent when the hub is back</p>
      <div className="dialog-actions"><button onClick={close}>Cancel</button><button className="primary" onClick={submit} disabled={save.isPending}>Save</button></div>
    </Dialog>
  );
}

const handles = (c: Customer) => c.identities.map((i) => i.handle).join(', ');

/** Asks before a merge, saying what moves; Enter merges, Escape goes back. */
function MergeConfirm({ into, suggestion, onDone }: { into: Customer; suggestion: MergeSuggestion; onDone(merged: boolean): void }) {
  const from = suggestion.customer;
  const what = `${from.identities.length} handle${from.identities.length === 1 ? '' : 's'} and ${suggestion.conversations} conversation${suggestion.conversations === 1 ? '' : 's'}`;
  return (
    <ListPicker label={`Merge ${from.name} into ${into.name}?`} placeholder="Enter merges · Esc goes back" filter={false}
      items={[
        { id: 'yes', key: 'y', label: `Merge: ${what} of ${from.name} (${handles(from)}) join ${into.name}`, detail: 'undo in the customer card' },
        { id: 'no', key: 'n', label: 'Do not merge' },
      ]}
      onClose={() => onDone(false)}
      onPick={(it) => {
        if (it.id !== 'yes') { onDone(false); return; }
        onDone(true);
        void act('customer.merge', { into_id: into.id, from_id: from.id }).then(() => {
          void queryClient.invalidateQueries({ queryKey: ['customer'] });
          void queryClient.invalidateQueries({ queryKey: ['customer-related'] });
          announce(`Merged ${from.name} into ${into.name}: undo in the customer card`);
        }, (e: Error) => announce(e.message));
      }} />
  );
}

/** Shift+D: the profiles that may be this customer, each with why; picking one asks first. */
export function MergePicker() {
  const { customer } = useCurrentCustomer();
  const online = !!useSession().data?.online;
  const related = useCustomerRelated(customer?.id ?? null, online, true);
  const [chosen, setChosen] = useState<MergeSuggestion | null>(null);
  if (customer && chosen) return <MergeConfirm into={customer} suggestion={chosen} onDone={(merged) => (merged ? close() : setChosen(null))} />;
  const suggestions = related.data?.suggestions ?? [];
  return (
    <ListPicker label={customer ? `Merge another profile into ${customer.name}` : 'Merge profiles'} placeholder="Type a name…" onClose={close}
      empty={!online ? 'Merging needs the hub: you are offline' : related.isLoading ? 'Looking for profiles of the same person…' : related.error ? related.error.message : 'No profile looks like the same person'}
      items={suggestions.map((s) => ({ id: s.customer.id, label: `${s.customer.name} (${handles(s.customer)})`, detail: s.reasons.join(' · ') }))}
      onPick={(it) => setChosen(suggestions.find((s) => s.customer.id === it.id) ?? null)} />
  );
}

/** In the customer card: who may be the same person (Merge…), and merges into this customer (Undo). */
export function CustomerRelatedSection({ customer }: { customer: Customer }) {
  const online = !!useSession().data?.online;
  const related = useCustomerRelated(customer.id, online).data;
  const [chosen, setChosen] = useState<MergeSuggestion | null>(null);
  const [undoing, setUndoing] = useState<string | null>(null);
  const merges = (related?.merges ?? []).filter((m) => !m.undone_at);
  const suggestions = related?.suggestions ?? [];
  const undo = (m: Merge) => {
    setUndoing(m.id);
    void act('customer.unmerge', { merge_id: m.id }).then(() => {
      void queryClient.invalidateQueries({ queryKey: ['customer'] });
      void queryClient.invalidateQueries({ queryKey: ['customer-related'] });
      announce(`Merge undone: ${m.from_name} is a profile of its own again`);
    }, (e: Error) => announce(e.message)).finally(() => setUndoing(null));
  };
  if (!suggestions.length && !merges.length) return null;
  return (
    <>
      {suggestions.length > 0 && (
        <section className="card-section" aria-label="Possibly the same person">
          <h3>Possibly the same person <span className="muted keys">Shift+D</span></h3>
          <ul className="related">
            {suggestions.map((s) => (
              <li key={s.customer.id}>
                <span className="related-who">
                  {s.customer.identities.slice(0, 3).map((i) => <ChannelIcon key={`${i.channel}:${i.handle}`} channel={i.channel} size={12} />)}
                  <strong>{s.customer.name}</strong> <span className="muted">{handles(s.customer)}</span>
                </span>
                <span className="muted related-why">{s.reasons.join(' · ')}</span>
                <button className="link" onClick={() => setChosen(s)} aria-label={`Merge ${s.customer.name} into ${customer.name}`}><GitMerge size={12} aria-hidden="true" /> Merge…</button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {merges.length > 0 && (
        <section className="card-section" aria-label="Merged profiles">
          <h3>Merged profiles</h3>
          <ul className="related">
            {merges.map((m) => (
              <li key={m.id}>
                <span className="related-who"><strong>{m.from_name}</strong> <span className="muted">{m.identities.map((i) => i.handle).join(', ')}</span></span>
                <span className="muted related-why">{m.conversations} conversation{m.conversations === 1 ? '' : 's'} · merged by {m.merged_by_name}, {dateOnly(m.merged_at)}</span>
                <button className="link" disabled={undoing === m.id || !online} onClick={() => undo(m)} aria-label={`Undo the merge of ${m.from_name}`}><Undo2 size={12} aria-hidden="true" /> Undo</button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {chosen && <MergeConfirm into={customer} suggestion={chosen} onDone={() => setChosen(null)} />}
    </>
  );
}

