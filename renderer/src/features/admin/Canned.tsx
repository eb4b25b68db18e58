/**
 * Canned responses: the team's (supervisors and admins change them) and each agent's own, with
 * variables, a preview filled from a real conversation (the one open in the inbox), and how often
 * each was inserted. They live on the hub, so they follow the person to any desktop.
 * Keys: j/k move, n new, Enter edit, Delete remove.
 */
import { useState } from 'react';
import type { CannedItem } from '../../../../shared/contract/admin';
import { expandCanned } from '../../../../shared/text/canned';
import { useAdminAction, useAdminQuery } from '../../api/admin';
import { cannedChanged } from '../../api/canned';
import { useConversation, useSession } from '../../api/queries';
import { useUi } from '../../app/store';
import { KeyList } from '../../components/KeyList';
import { Field, FormDialog, Screen } from './parts';

const announce = (t: string) => useUi.getState().announce(t);
const VARIABLES = ['customer.first_name', 'customer.name', 'customer.handle', 'agent.first_name', 'agent.name', 'agent.initials'];

/** The conversation open in the inbox, for the preview: its customer, and the signed-in agent. */
function usePreviewContext() {
  const id = useUi((s) => s.selectedId);
  const conv = useConversation(id).data;
  const me = useSession().data?.agent;
  const customer = conv?.customer;
  return {
    from: conv ? `${customer?.name ?? 'the customer'} (the conversation open in the inbox)` : null,
    ctx: {
      customer: { name: customer?.name ?? 'Maria Kowalski', handle: customer?.identities.find((i) => i.channel === conv?.conversation.channel)?.handle ?? 'maria_k' },
      agent: { name: me?.name ?? 'Agent' },
    },
  };
}

function CannedForm({ item, onDone }: { item: CannedItem | null; onDone(): void }) {
  const role = useSession().data?.agent?.role;
  const teamAllowed = role === 'supervisor' || role === 'admin';
  const [shortcode, setShortcode] = useState(item?.shortcode ?? '');
  const [title, setTitle] = useState(item?.title ?? '');
  const [text, setText] = useState(item?.text ?? '');
  const [scope, setScope] = useState<'team' | 'personal'>(item?.scope ?? (teamAllowed ? 'team' : 'personal'));
  const preview = usePreviewContext();
  const done = (what: string) => { void cannedChanged(); onDone(); announce(what); };
  const create = useAdminAction('createCanned', { onSuccess: (r) => done(`;${r.canned.shortcode} added`) });
  const update = useAdminAction('updateCanned', { onSuccess: (r) => done(`;${r.canned.shortcode} saved`) });
  const action = item ? update : create;
  return (
    <FormDialog label={item ? `Edit ;${item.shortcode}` : 'New canned response'} submit="Save" wide onClose={onDone} busy={action.isPending} error={action.error}
      onSubmit={() => (item
        ? update.mutate({ params: { id: item.id }, body: { shortcode: shortcode.trim(), title, text } })
        : create.mutate({ body: { shortcode: shortcode.trim(), title, text, scope } }))}>
      <div className="admin-grid">
        <Field label="Shortcode" hint="Typed as ;shortcode in the composer: a-z, 0-9, _ and -">{(id, hint) => (
          <input id={id} aria-describedby={hint} data-autofocus value={shortcode} onChange={(e) => setShortcode(e.target.value.toLowerCase())} placeholder="refund" />
        )}</Field>
        <Field label="Title">{(id) => <input id={id} value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Refund under way" />}</Field>
      </div>
      <Field label="Text" hint={`Variables: ${VARIABLES.map((v) => `{{${v}}}`).join(' ')}`}>{(id, hint) => (
        <textarea id={id} aria-describedby={hint} rows={4} value={text} onChange={(e) => setText(e.target.value)} placeholder="Hi {{customer.first_name}}, …" />
      )}</Field>
      {!item && (
        <fieldset className="admin-choice">
          <legend>Who uses it</legend>
          <label><input type="radio" name="scope" checked={scope === 'team'} disabled={!teamAllowed} onChange={() => setScope('team')} /> The whole team{teamAllowed ? '' : ' (supervisors and admins add these)'}</label>
          <label><input type="radio" name="scope" checked={scope === 'personal'} onChange={() => setScope('personal')} /> Only me</label>
        </fieldset>
      )}
      <section className="admin-preview" aria-label="Canned preview">
        <h3>Preview{preview.from ? ` with ${preview.from}` : ' (an example customer: open a conversation to preview with it)'}</h3>
        <p className="canned-preview">{text ? expandCanned(text, preview.ctx) : <span className="muted">The text, with its variables filled in, shows here.</span>}</p>
      </section>
      <p className="muted">Ctrl+Enter saves · Esc cancels</p>
    </FormDialog>
  );
}

export function Canned() {
  const role = useSession().data?.agent?.role;
  const teamAllowed = role === 'supervisor' || role === 'admin';
  const q = useAdminQuery('canned', {});
  const [dialog, setDialog] = useState<null | { kind: 'edit'; item: CannedItem | null } | { kind: 'remove'; item: CannedItem }>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const remove = useAdminAction('deleteCanned', { onSuccess: () => { void cannedChanged(); setDialog(null); announce('Removed'); } });
  const items = q.data?.canned ?? [];
  const mayChange = (c: CannedItem) => c.scope === 'personal' || teamAllowed;
  return (
    <Screen ready={!!q.data || !!q.error} title="Canned responses"
      intro="Short answers typed as ;shortcode in the composer or picked from the palette, with the customer's and your name filled in. The team's are shared by everyone; your own follow you to any desktop."
      keys={`j/k move · n new · Enter edit · Delete remove${teamAllowed ? '' : ' (your own; the team’s are changed by supervisors)'}`}
      actions={<button onClick={() => setDialog({ kind: 'edit', item: null })}>New canned response <kbd>n</kbd></button>}
      onKey={(key) => { if (key === 'n') { setDialog({ kind: 'edit', item: null }); return true; } return false; }}>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {q.data && (
        <KeyList label="Canned responses" items={items} id={(c) => c.id} empty="None yet: press n to add one."
          onAction={(key, item) => {
            setRefusal(null);
            if (key !== 'Enter' && key !== 'Delete' && key !== 'Backspace') return false;
            if (!mayChange(item)) { setRefusal(`;${item.shortcode} is the team's: supervisors and admins change it`); return true; }
            setDialog(key === 'Enter' ? { kind: 'edit', item } : { kind: 'remove', item });
            return true;
          }}
          render={(c) => (
            <span className="admin-row" aria-label={`;${c.shortcode}, ${c.title}, ${c.scope === 'team' ? "the team's" : 'your own'}, used ${c.uses} ${c.uses === 1 ? 'time' : 'times'}`}>
              <strong>;{c.shortcode}</strong>
              <span>{c.title}</span>
              <span className={`tag${c.scope === 'personal' ? ' kind-department' : ''}`}>{c.scope === 'team' ? 'Team' : 'Mine'}</span>
              <span className="muted num">used {c.uses}×</span>
              <span className="muted admin-teams">{c.text}</span>
            </span>
          )} />
      )}
      {refusal && <p className="error" role="alert">{refusal}</p>}
      {dialog?.kind === 'edit' && <CannedForm item={dialog.item} onDone={() => setDialog(null)} />}
      {dialog?.kind === 'remove' && (
        <FormDialog label={`Remove ;${dialog.item.shortcode}?`} submit="Remove" danger focusSubmit onClose={() => { setDialog(null); remove.reset(); }}
          busy={remove.isPending} error={remove.error} onSubmit={() => remove.mutate({ params: { id: dialog.item.id } })}>
          <p>{dialog.item.scope === 'team' ? 'Nobody in the team can insert it any more.' : 'You can no longer insert it.'}</p>
        </FormDialog>
      )}
    </Screen>
  );
}
