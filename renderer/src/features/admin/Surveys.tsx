/**
 * Surveys and return on care (admins; supervisors read): how CSAT and Net Easy are asked after a
 * resolve (whether, in which words, how long after, and where: a private message where the platform
 * allows one, a public reply only if chosen) and the costs the report's return on care uses. The
 * hub reads these at every resolve and report: a save applies at once. One form: Tab moves, Ctrl+Enter
 * saves, a refusal stays on screen with what was typed.
 */
import { useEffect, useState } from 'react';
import { SURVEY_DELIVERIES, surveyText, type SurveySettings } from '../../../../shared/contract/admin';
import { useAdminAction, useAdminQuery } from '../../api/admin';
import { useSession } from '../../api/queries';
import { useUi } from '../../app/store';
import { Field, Screen } from './parts';

const announce = (t: string) => useUi.getState().announce(t);
const DELIVERY_LABEL: Record<(typeof SURVEY_DELIVERIES)[number], string> = {
  private: 'A private message where the platform allows it (X direct messages, private replies to Facebook and Instagram comments, private conversations); otherwise not asked',
  private_else_public: 'A private message where the platform allows it, otherwise a public reply',
  public: 'Always where the customer wrote (a public reply to a public post)',
};

interface Form {
  csatAsk: boolean; csatWording: string; effortAsk: boolean; effortWording: string; delivery: SurveySettings['delivery']; delay: string;
  currency: string; phone: string; email: string; social: string; substitution: string; callTag: string;
}

export function Surveys() {
  const canChange = useSession().data?.agent?.role === 'admin';
  const q = useAdminQuery('metricsSettings', {});
  const [form, setForm] = useState<Form | null>(null);
  const [local, setLocal] = useState<string | null>(null);
  const save = useAdminAction('setMetricsSettings', { onSuccess: () => announce('Surveys and costs saved: they apply from the next resolve and report') });
  useEffect(() => {
    if (!q.data || form) return;
    const { surveys: s, roi } = q.data;
    setForm({
      csatAsk: s.csat.ask, csatWording: s.csat.wording ?? '', effortAsk: s.effort.ask, effortWording: s.effort.wording ?? '', delivery: s.delivery, delay: String(s.delay_minutes),
      currency: roi.currency, phone: String(roi.cost_per_contact.phone), email: String(roi.cost_per_contact.email), social: String(roi.cost_per_contact.social),
      substitution: String(Math.round(roi.call_substitution_rate * 1000) / 10), callTag: roi.call_tag,
    });
  }, [q.data, form]);
  const set = (patch: Partial<Form>) => { setForm((f) => (f ? { ...f, ...patch } : f)); setLocal(null); save.reset(); };
  const submit = () => {
    if (!form || !canChange || save.isPending) return;
    const num = (label: string, v: string) => { const n = Number(v.replace(',', '.')); if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`${label}: give a number`); return n; };
    try {
      const delay = num('Minutes after the resolve', form.delay);
      save.mutate({ body: {
        surveys: { csat: { ask: form.csatAsk, wording: form.csatWording.trim() || null }, effort: { ask: form.effortAsk, wording: form.effortWording.trim() || null }, delivery: form.delivery, delay_minutes: delay },
        roi: { currency: form.currency.trim().toUpperCase(), cost_per_contact: { phone: num('Cost of a phone call', form.phone), email: num('Cost of an e-mail', form.email), social: num('Cost of a social conversation', form.social) },
          call_substitution_rate: num('Calls avoided', form.substitution) / 100, call_tag: form.callTag.trim() },
      } });
    } catch (e) { setLocal((e as Error).message); }
  };
  const example = { firstName: 'Maria', brand: 'Acme Care' };
  return (
    <Screen ready={!!form || !!q.error} title="Surveys and return on care"
      intro="After a resolve the hub can ask the customer two questions, CSAT (how satisfied, 1–5) and Net Easy (how easy, 1–5), and reads the answer in their own words. Return on care compares what social care costs with the calls it avoids."
      keys={canChange ? 'Tab move · Space tick · Ctrl+Enter save' : 'Only admins change these'}>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {q.data && !q.data.surveys_sent && <p className="muted">This hub does not send surveys (started with --no-surveys, or embedded without them): these settings apply once it does.</p>}
      {form && (
        <form className="admin-form" aria-label="Surveys and costs" onSubmit={(e) => { e.preventDefault(); submit(); }}
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); } }}>
          <fieldset className="admin-choice" disabled={!canChange}>
            <legend>CSAT</legend>
            <label><input type="checkbox" data-screen-focus checked={form.csatAsk} onChange={(e) => set({ csatAsk: e.target.checked })} /> Ask CSAT after a resolve</label>
            <Field label="CSAT question" hint={`Empty: the default. {first_name} and {brand} are filled in. Customers read: “${surveyText('csat', form.csatWording.trim() || null, example)}”`}>{(id, hint) => (
              <textarea id={id} aria-describedby={hint} rows={2} value={form.csatWording} onChange={(e) => set({ csatWording: e.target.value })} placeholder={surveyText('csat', null, {}).replace(/^Thanks! /, '')} />)}</Field>
          </fieldset>
          <fieldset className="admin-choice" disabled={!canChange}>
            <legend>Net Easy (customer effort)</legend>
            <label><input type="checkbox" checked={form.effortAsk} onChange={(e) => set({ effortAsk: e.target.checked })} /> Ask Net Easy after a resolve</label>
            <Field label="Net Easy question" hint={`Empty: the default. Customers read: “${surveyText('effort', form.effortWording.trim() || null, example)}”`}>{(id, hint) => (
              <textarea id={id} aria-describedby={hint} rows={2} value={form.effortWording} onChange={(e) => set({ effortWording: e.target.value })} placeholder={surveyText('effort', null, {}).replace(/^Thanks! /, '')} />)}</Field>
          </fieldset>
          <fieldset className="admin-choice" disabled={!canChange}>
            <legend>Where the questions go</legend>
            {SURVEY_DELIVERIES.map((d) => (
              <label key={d}><input type="radio" name="survey-delivery" checked={form.delivery === d} onChange={() => set({ delivery: d })} /> {DELIVERY_LABEL[d]}</label>
            ))}
            <Field label="Minutes after the resolve" hint="0: at once. The questions wait, queued, until then">{(id, hint) => (
              <input id={id} aria-describedby={hint} inputMode="numeric" value={form.delay} onChange={(e) => set({ delay: e.target.value })} />)}</Field>
          </fieldset>
          <fieldset className="admin-choice" disabled={!canChange}>
            <legend>Return on care</legend>
            <div className="admin-grid">
              <Field label="Currency">{(id) => <input id={id} value={form.currency} onChange={(e) => set({ currency: e.target.value })} />}</Field>
              <Field label="Cost of a phone call">{(id) => <input id={id} inputMode="decimal" value={form.phone} onChange={(e) => set({ phone: e.target.value })} />}</Field>
              <Field label="Cost of an e-mail">{(id) => <input id={id} inputMode="decimal" value={form.email} onChange={(e) => set({ email: e.target.value })} />}</Field>
              <Field label="Cost of a social conversation">{(id) => <input id={id} inputMode="decimal" value={form.social} onChange={(e) => set({ social: e.target.value })} />}</Field>
              <Field label="Calls avoided (%)" hint="Share of resolved social conversations that would otherwise have been a call">{(id, hint) => (
                <input id={id} aria-describedby={hint} inputMode="decimal" value={form.substitution} onChange={(e) => set({ substitution: e.target.value })} />)}</Field>
              <Field label="Call tag" hint="Conversations tagged so moved to the phone: they avoided no call">{(id, hint) => (
                <input id={id} aria-describedby={hint} value={form.callTag} onChange={(e) => set({ callTag: e.target.value })} />)}</Field>
            </div>
          </fieldset>
          {(local ?? save.error) && <p className="error" role="alert">{local ?? save.error?.message}</p>}
          {canChange && <div className="dialog-actions"><button type="submit" className="primary" disabled={save.isPending}>{save.isPending ? 'Saving…' : 'Save'} <kbd>Ctrl+Enter</kbd></button></div>}
        </form>
      )}
    </Screen>
  );
}
