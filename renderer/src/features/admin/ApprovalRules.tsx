/**
 * Approval rules (admins; supervisors read): when a public reply waits for a supervisor's approval
 * (hub/approvals). Any rule that applies holds the reply; private replies are never held. Holds that
 * other features added (crisis mode) are listed, read-only: they end when that feature releases them.
 * One form: Tab moves, Space ticks, Ctrl+Enter saves; the hub checks it whole, and a refusal stays on
 * screen with what was typed.
 */
import { useEffect, useState } from 'react';
import { useAdminAction, useAdminQuery } from '../../api/admin';
import { useSession } from '../../api/queries';
import { clockTime } from '../../app/format';
import { useUi } from '../../app/store';
import { Field, Screen } from './parts';

const announce = (t: string) => useUi.getState().announce(t);
const list = (s: string) => s.split(/[,\n]/).map((x) => x.trim()).filter(Boolean);

interface Form { all: boolean; training: string[]; followers: string; verified: boolean; topics: string; keywords: string; confidence: string }

export function ApprovalRules() {
  const canChange = useSession().data?.agent?.role === 'admin';
  const q = useAdminQuery('approvalSettings', {});
  const [form, setForm] = useState<Form | null>(null);
  const [local, setLocal] = useState<string | null>(null);
  const save = useAdminAction('setApprovalSettings', { onSuccess: () => announce('Approval rules saved: they apply to the next public reply') });
  useEffect(() => {
    if (!q.data || form) return;
    const r = q.data.rules;
    setForm({
      all: r.all_public, training: r.agents_in_training, followers: r.followers_over === null ? '' : String(r.followers_over), verified: r.verified,
      topics: r.topics.join(', '), keywords: r.keywords.join(', '), confidence: r.confidence_below === null ? '' : String(r.confidence_below),
    });
  }, [q.data, form]);
  const set = (patch: Partial<Form>) => { setForm((f) => (f ? { ...f, ...patch } : f)); setLocal(null); save.reset(); };
  const submit = () => {
    if (!form || !canChange || save.isPending) return;
    const num = (label: string, v: string) => {
      if (v.trim() === '') return null;
      const n = Number(v.replace(',', '.'));
      if (!Number.isFinite(n)) throw new Error(`${label}: give a number, or leave it empty`);
      return n;
    };
    try {
      save.mutate({ body: {
        all_public: form.all, agents_in_training: form.training, followers_over: num('Followers over', form.followers), verified: form.verified,
        topics: list(form.topics), keywords: list(form.keywords), confidence_below: num('Analysis confidence below', form.confidence),
      } });
    } catch (e) { setLocal((e as Error).message); }
  };
  return (
    <Screen ready={!!form || !!q.error} title="Approvals for public replies"
      intro="A public reply waits for a supervisor's approval when any rule below applies; nothing is posted before it is approved. Private replies are never held. The hub judges each reply when it arrives, so a reply queued offline follows the rules in force then."
      keys={canChange ? 'Tab move · Space tick · Ctrl+Enter save' : 'Only admins change these'}>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {q.data && q.data.holds.length > 0 && (
        <div className="admin-choice" role="group" aria-label="Holds from other features">
          <strong>Also required now</strong>
          <ul>{q.data.holds.map((h) => <li key={h.key}>{h.reason}{h.topic ? ` (topic ${h.topic})` : ' (every public reply)'} · since {clockTime(h.created_at)}</li>)}</ul>
        </div>
      )}
      {form && q.data && (
        <form className="admin-form" aria-label="Approval rules" onSubmit={(e) => { e.preventDefault(); submit(); }}
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); } }}>
          <fieldset className="admin-choice" disabled={!canChange}>
            <legend>Every public reply</legend>
            <label><input type="checkbox" data-screen-focus checked={form.all} onChange={(e) => set({ all: e.target.checked })} /> Every public reply needs approval (the workspace switch, e.g. during a crisis)</label>
          </fieldset>
          <fieldset className="admin-choice" disabled={!canChange}>
            <legend>Agents in training: each of their public replies</legend>
            {q.data.agents.filter((a) => a.role === 'agent').map((a) => (
              <label key={a.id}><input type="checkbox" checked={form.training.includes(a.id)}
                onChange={(e) => set({ training: e.target.checked ? [...form.training, a.id] : form.training.filter((x) => x !== a.id) })} /> {a.name}</label>
            ))}
          </fieldset>
          <fieldset className="admin-choice" disabled={!canChange}>
            <legend>The customer and the conversation</legend>
            <div className="admin-grid">
              <Field label="Followers over" hint="Empty: off">{(id, hint) => <input id={id} aria-describedby={hint} inputMode="numeric" value={form.followers} onChange={(e) => set({ followers: e.target.value })} />}</Field>
              <Field label="Analysis confidence below" hint="0 to 1; empty: off">{(id, hint) => <input id={id} aria-describedby={hint} inputMode="decimal" value={form.confidence} onChange={(e) => set({ confidence: e.target.value })} />}</Field>
            </div>
            <label><input type="checkbox" checked={form.verified} onChange={(e) => set({ verified: e.target.checked })} /> Verified customers</label>
            <Field label="Topics or intents" hint="Comma-separated, e.g. legal, safety">{(id, hint) => <input id={id} aria-describedby={hint} value={form.topics} onChange={(e) => set({ topics: e.target.value })} />}</Field>
            <Field label="Keywords" hint="Comma-separated words or phrases, in the reply or the customer's messages">{(id, hint) => <input id={id} aria-describedby={hint} value={form.keywords} onChange={(e) => set({ keywords: e.target.value })} />}</Field>
          </fieldset>
          {(local ?? save.error) && <p className="error" role="alert">{local ?? save.error?.message}</p>}
          {canChange && <div className="dialog-actions"><button type="submit" className="primary" disabled={save.isPending}>{save.isPending ? 'Saving…' : 'Save'} <kbd>Ctrl+Enter</kbd></button></div>}
          {q.data.updated_at && <p className="muted">Last changed {clockTime(q.data.updated_at)}</p>}
        </form>
      )}
    </Screen>
  );
}
