/**
 * Routing rules: the ordered rules (conditions → a queue or a department, how long to wait there,
 * where next), validated by the hub as every save is; each save is a version (who, when) that can be
 * restored. Saving routes new posts only: moving the work already waiting is asked for (m), after
 * a preview. The try-it box shows, for a pasted post (or the conversation open in the inbox), which
 * rule matches and why the others did not, where it goes, and who would be offered it, and why not
 * the others; in the rule dialog it runs on the rules as they would be saved.
 * Keys: j/k move, n new, Enter edit, Shift+J/K reorder, x turn on or off, Delete remove, v versions,
 * m move waiting work, t the try-it box.
 */
import { useEffect, useRef, useState } from 'react';
import type { TryRoute } from '../../../../shared/contract/admin';
import type { AdminRule, RoutingConfigView } from '../../../../shared/contract/routing';
import { ChannelSchema, PrioritySchema, type Channel, type Priority } from '../../../../shared/domain';
import { useAdminAction, useAdminQuery } from '../../api/admin';
import { useConversation, useSession } from '../../api/queries';
import { CHANNEL_LABEL, clockTime } from '../../app/format';
import { useUi } from '../../app/store';
import { KeyList } from '../../components/KeyList';
import { Field, FormDialog, Screen } from './parts';

const announce = (t: string) => useUi.getState().announce(t);
type Filter = AdminRule['filters'][number];
type Config = RoutingConfigView;

const FIELDS: Array<{ id: string; label: string; ops: Array<[string, string]>; numeric?: boolean; hint: string }> = [
  { id: 'keywords', label: 'Text', ops: [['any', 'mentions any of'], ['all', 'mentions all of'], ['none', 'mentions none of']], hint: 'refund, money back' },
  { id: 'topic', label: 'Topic', ops: [['in', 'is one of'], ['not_in', 'is none of']], hint: 'billing, product_defect' },
  { id: 'intent', label: 'Intent', ops: [['in', 'is one of'], ['not_in', 'is none of']], hint: 'complaint, question' },
  { id: 'language', label: 'Language', ops: [['in', 'is one of'], ['not_in', 'is none of']], hint: 'en, es' },
  { id: 'channel', label: 'Channel', ops: [['in', 'is one of'], ['not_in', 'is none of']], hint: 'x, facebook, instagram' },
  { id: 'priority', label: 'Priority', ops: [['in', 'is one of'], ['not_in', 'is none of'], ['gte', 'is at least'], ['lte', 'is at most']], hint: 'high, urgent' },
  { id: 'sentiment_label', label: 'Sentiment', ops: [['in', 'is one of'], ['not_in', 'is none of']], hint: 'negative' },
  { id: 'sentiment', label: 'Sentiment score', ops: [['lte', 'is at most'], ['gte', 'is at least']], numeric: true, hint: '-0.5 (from -1 to 1)' },
  { id: 'followers', label: 'Followers', ops: [['gte', 'at least'], ['lte', 'at most']], numeric: true, hint: '10000' },
  { id: 'customer_tier', label: 'Customer tier', ops: [['in', 'is one of'], ['not_in', 'is none of']], hint: 'vip' },
];
const fieldOf = (id: string) => FIELDS.find((f) => f.id === id) ?? FIELDS[0]!;

export function describeFilter(f: Filter): string {
  const def = fieldOf(f.field);
  const op = def.ops.find(([o]) => o === f.op)?.[1] ?? f.op;
  return `${def.label} ${op} ${f.value !== undefined ? f.value : (f.values ?? []).join(', ')}`;
}

const queueLabel = (c: Config, queueId: string) => {
  const q = c.queues.find((x) => x.id === queueId);
  const t = q ? c.teams.find((x) => x.id === q.team_id) : undefined;
  return t ? `${t.name}${t.kind === 'department' ? ' (department)' : ''}` : queueId;
};

function destination(c: Config, r: AdminRule): string {
  return r.targets.map((t, i) => `${i ? 'then ' : ''}${queueLabel(c, t.queue_id)}${t.timeout_seconds ? ` for ${Math.round(t.timeout_seconds / 60)} min` : ''}`).join(', ');
}

/** The try-it box: a pasted post (or the conversation open in the inbox) through the rules. */
function TryIt({ config, rules, label = 'Try it' }: { config: Config; rules?: AdminRule[]; label?: string }) {
  const [text, setText] = useState('');
  const [channel, setChannel] = useState<Channel>('x');
  const [priority, setPriority] = useState<Priority | ''>('');
  const [result, setResult] = useState<TryRoute | null>(null);
  const selected = useUi((s) => s.selectedId);
  const open = useConversation(selected).data;
  const run = useAdminAction('tryRules', { onSuccess: (r) => setResult(r) });
  // the button stays enabled while it runs: a disabled button would drop the keyboard focus
  const go = () => { if (!run.isPending) run.mutate({ body: { text, channel, ...(priority ? { priority } : {}), ...(rules ? { rules } : {}) } }); };
  const usePicked = () => {
    if (!open) return;
    const inbound = open.messages.filter((m) => m.direction === 'inbound').map((m) => m.text).join('\n');
    setText(inbound || open.conversation.snippet);
    setChannel(open.conversation.channel);
  };
  const ruleName = (id: string | null) => (id ? config.rules.concat(rules ?? []).find((r) => r.id === id)?.name ?? id : null);
  return (
    <section className="admin-preview" aria-label={label}>
      <h3>{label}{rules ? ': with the rules as they would be saved' : ': paste a post, see where it goes and why'}</h3>
      <Field label="Post">{(id) => (
        <textarea id={id} data-try-text rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder="@brand I still have no refund for order 8812…"
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !rules) { e.preventDefault(); go(); } }} />
      )}</Field>
      <div className="admin-grid">
        <Field label="Channel">{(id) => (
          <select id={id} value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
            {ChannelSchema.options.filter((c) => c !== 'sandbox').map((c) => <option key={c} value={c}>{CHANNEL_LABEL[c] ?? c}</option>)}
          </select>
        )}</Field>
        <Field label="Priority">{(id) => (
          <select id={id} value={priority} onChange={(e) => setPriority(e.target.value as Priority | '')}>
            <option value="">As analysed</option>
            {PrioritySchema.options.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        )}</Field>
      </div>
      <div className="admin-actions">
        <button type="button" onClick={go} aria-busy={run.isPending}>Try {rules ? '' : <kbd>Ctrl+Enter</kbd>}</button>
        <button type="button" onClick={usePicked} disabled={!open}>Use the conversation open in the inbox</button>
      </div>
      {run.error && <p className="error" role="alert">{run.error.message}</p>}
      {result && (
        <div role="status" aria-label={`${label} result`} className="try-result">
          <p>
            {result.rule_id ? <>Rule <strong>{ruleName(result.rule_id)}</strong> matches: </> : <>No rule matches: </>}
            it goes to <strong>{result.team_name}</strong>{result.team_kind === 'department' ? ' as an insight for the department' : ''}.
            {' '}<span className="muted">Read as {result.analysis.language ?? 'unknown language'}, intent {result.analysis.intent ?? '—'}, topic {result.analysis.topic ?? '—'}, {result.analysis.sentiment_label ?? 'no sentiment'}, priority {result.analysis.priority}.</span>
          </p>
          <ol className="try-trace">
            {result.rules.map((r) => (
              <li key={r.id} className={r.matched ? 'hit' : 'muted'}>
                {r.name}: {!r.enabled ? 'turned off' : r.matched ? 'matches' : r.evaluated ? `no (${r.failed.join('; ')})` : 'not reached'}
              </li>
            ))}
          </ol>
          {result.team_kind === 'support' && (
            <p>
              {result.offered_to ? <>Offered first to <strong>{result.agents[0]!.name}</strong>{result.required_skills.length ? ` (skills ${result.required_skills.map((s) => s.skill).join(', ')})` : ''}.</> : 'Nobody could be offered it now: it waits in the queue.'}
              {result.agents.filter((a) => !a.eligible).length > 0 && <> Not now: {result.agents.filter((a) => !a.eligible).map((a) => `${a.name} (${a.why_not.join(', ')})`).join('; ')}.</>}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

interface DraftFilter { field: string; op: string; value: string }

function RuleForm({ config, rule, onDone }: { config: Config; rule: AdminRule | null; onDone(): void }) {
  const [name, setName] = useState(rule?.name ?? '');
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [filters, setFilters] = useState<DraftFilter[]>(() => (rule?.filters ?? [{ field: 'keywords', op: 'any', values: [] }]).map((f) => ({
    field: f.field, op: f.op, value: f.value !== undefined ? String(f.value) : (f.values ?? []).join(', '),
  })));
  const [targets, setTargets] = useState(() => (rule?.targets ?? [{ queue_id: config.default_queue_id, timeout_seconds: null }]).map((t) => ({
    queue_id: t.queue_id, wait: t.timeout_seconds ? String(Math.round(t.timeout_seconds / 60)) : '',
  })));
  const [local, setLocal] = useState<string | null>(null);
  const [newId] = useState(() => `rule-${Date.now().toString(36)}`);
  const save = useAdminAction('setRoutingRules', { onSuccess: (r) => { onDone(); announce(`Rule ${name} saved as version ${r.rules_version}: new posts follow it; waiting work stays (m moves it)`); } });
  const build = (): AdminRule | string => {
    if (!name.trim()) return 'Give the rule a name';
    const out: Filter[] = [];
    for (const f of filters) {
      const def = fieldOf(f.field);
      if (def.numeric) {
        const v = Number(f.value);
        if (f.value.trim() === '' || !Number.isFinite(v)) return `${def.label}: give a number`;
        out.push({ field: f.field, op: f.op, value: v });
      } else {
        const values = f.value.split(',').map((v) => v.trim()).filter(Boolean);
        if (!values.length) return `${def.label}: give at least one value (${def.hint})`;
        out.push({ field: f.field, op: f.op, values: f.field === 'keywords' ? values : values.map((v) => v.toLowerCase()) });
      }
    }
    const ts = targets.map((t, i) => ({ queue_id: t.queue_id, timeout_seconds: t.wait.trim() && i < targets.length - 1 ? Math.round(Number(t.wait) * 60) : null }));
    if (ts.some((t) => t.timeout_seconds !== null && !(t.timeout_seconds > 0))) return 'A wait is a number of minutes';
    return { id: rule?.id ?? newId, name: name.trim(), enabled, filters: out, targets: ts };
  };
  const built = build();
  const proposal = typeof built === 'string' ? undefined : rule ? config.rules.map((r) => (r.id === rule.id ? built : r)) : [...config.rules, built];
  const submit = () => {
    if (typeof built === 'string') { setLocal(built); return; }
    setLocal(null);
    save.mutate({ body: { rules: proposal! } });
  };
  const setFilter = (i: number, p: Partial<DraftFilter>) => setFilters(filters.map((f, j) => (j === i ? { ...f, ...p } : f)));
  return (
    <FormDialog label={rule ? `Edit rule ${rule.name}` : 'New routing rule'} submit="Save rule" wide onClose={onDone} busy={save.isPending} error={local ?? save.error} onSubmit={submit}>
      <div className="admin-grid">
        <Field label="Name">{(id) => <input id={id} data-autofocus value={name} onChange={(e) => setName(e.target.value)} placeholder="Refunds to Billing" />}</Field>
        <label className="admin-check"><input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> On</label>
      </div>
      <fieldset className="admin-choice">
        <legend>When all of these hold</legend>
        {filters.map((f, i) => {
          const def = fieldOf(f.field);
          return (
            <div key={i} className="rule-row" role="group" aria-label={`Condition ${i + 1}`}>
              <select aria-label={`Condition ${i + 1}: field`} value={f.field} onChange={(e) => setFilter(i, { field: e.target.value, op: fieldOf(e.target.value).ops[0]![0], value: '' })}>
                {FIELDS.map((x) => <option key={x.id} value={x.id}>{x.label}</option>)}
              </select>
              <select aria-label={`Condition ${i + 1}: test`} value={f.op} onChange={(e) => setFilter(i, { op: e.target.value })}>
                {def.ops.map(([o, l]) => <option key={o} value={o}>{l}</option>)}
              </select>
              <input aria-label={`Condition ${i + 1}: values`} value={f.value} onChange={(e) => setFilter(i, { value: e.target.value })} placeholder={def.hint} />
              <button type="button" aria-label={`Remove condition ${i + 1}`} onClick={() => setFilters(filters.filter((_, j) => j !== i))}>Remove</button>
            </div>
          );
        })}
        <button type="button" onClick={() => setFilters([...filters, { field: 'keywords', op: 'any', value: '' }])}>Add a condition</button>
        {filters.length === 0 && <span className="muted">No conditions: every post matches.</span>}
      </fieldset>
      <fieldset className="admin-choice">
        <legend>Send it to</legend>
        {targets.map((t, i) => (
          <div key={i} className="rule-row" role="group" aria-label={`Destination ${i + 1}`}>
            <select aria-label={`Destination ${i + 1}: team or department`} value={t.queue_id} onChange={(e) => setTargets(targets.map((x, j) => (j === i ? { ...x, queue_id: e.target.value } : x)))}>
              {config.queues.map((q) => <option key={q.id} value={q.id}>{queueLabel(config, q.id)}</option>)}
            </select>
            {i < targets.length - 1 && (
              <input aria-label={`Destination ${i + 1}: minutes before the next`} inputMode="numeric" value={t.wait} placeholder="minutes before the next"
                onChange={(e) => setTargets(targets.map((x, j) => (j === i ? { ...x, wait: e.target.value } : x)))} />
            )}
            {targets.length > 1 && <button type="button" aria-label={`Remove destination ${i + 1}`} onClick={() => setTargets(targets.filter((_, j) => j !== i))}>Remove</button>}
          </div>
        ))}
        <button type="button" onClick={() => setTargets([...targets, { queue_id: config.default_queue_id, wait: '' }])}>Add a next destination (after a wait)</button>
      </fieldset>
      <TryIt config={config} rules={proposal} label="Try this rule" />
      <p className="muted">Ctrl+Enter saves · Esc cancels · saving routes new posts; waiting work moves only when you ask (m)</p>
    </FormDialog>
  );
}

function Versions({ onDone }: { onDone(): void }) {
  const q = useAdminQuery('ruleVersions', {});
  const [pick, setPick] = useState<number | null>(null);
  const fetchVersion = useAdminQuery('ruleVersion', { params: { version: String(pick ?? 0) } }, { enabled: pick !== null });
  const save = useAdminAction('setRoutingRules', { onSuccess: (r) => { onDone(); announce(`Version ${pick} restored as version ${r.rules_version}`); } });
  // Ctrl+Enter right after choosing, before the chosen version's rules have arrived, restores once they do
  // (it used to be dropped silently: the dialog stayed open and nothing said why)
  const [restoreAsked, setRestoreAsked] = useState(false);
  const chosenRules = fetchVersion.data?.rules;
  useEffect(() => {
    if (restoreAsked && chosenRules && !save.isPending) { setRestoreAsked(false); save.mutate({ body: { rules: chosenRules } }); }
  }, [restoreAsked, chosenRules, save]);
  const versions = q.data?.versions ?? [];
  // the versions arrive after the dialog opened: the keyboard goes to their list then
  const box = useRef<HTMLDivElement>(null);
  const loaded = !!q.data;
  useEffect(() => { if (loaded) box.current?.querySelector<HTMLElement>('[role="listbox"]')?.focus(); }, [loaded]);
  return (
    <FormDialog label="Rule versions" submit={pick ? `Restore version ${pick}` : 'Restore'} wide onClose={onDone} busy={save.isPending || (restoreAsked && !fetchVersion.error)}
      error={save.error ?? q.error ?? fetchVersion.error}
      onSubmit={() => { if (pick !== null) setRestoreAsked(true); }}>
      <p className="muted">Every change of the rules, newest first. Restoring saves that version's rules as a new version; waiting work stays where it is.</p>
      <div ref={box}>{q.data && (
        <KeyList label="Versions" items={versions} id={(v) => String(v.version)} empty="No changes yet."
          onAction={(key, v) => { if (key === ' ' || key === 'Enter') { setPick(v.version); return key === ' '; } return false; }}
          render={(v) => (
            <span className="admin-row" aria-label={`version ${v.version}${v.version === q.data!.current ? ' (current)' : ''}, ${v.rules} rules, by ${v.changed_by_name ?? v.changed_by ?? 'the system'}, ${v.changed_at}`}>
              <strong>v{v.version}</strong>{v.version === q.data!.current && <span className="tag">current</span>}
              <span>{v.rules} rules</span><span className="muted">{v.changed_by_name ?? v.changed_by ?? '—'}</span>
              <span className="muted num">{clockTime(v.changed_at)}</span>
              {pick === v.version && <span className="tag warn">chosen</span>}
            </span>
          )} />
      )}</div>
      <p className="muted">Space or Enter chooses a version · Ctrl+Enter restores it</p>
    </FormDialog>
  );
}

function MoveWaiting({ onDone }: { onDone(): void }) {
  const preview = useAdminQuery('previewRules', { body: {} });
  const apply = useAdminAction('applyRules', { onSuccess: (r) => { onDone(); announce(`${r.moved.length} waiting conversation${r.moved.length === 1 ? '' : 's'} moved`); } });
  const n = preview.data?.moves.length ?? 0;
  return (
    <FormDialog label="Move waiting work" submit={n ? `Move ${n}` : 'Nothing to move'} focusSubmit onClose={onDone} busy={apply.isPending || !preview.data} error={apply.error ?? preview.error}
      onSubmit={() => { if (n && preview.data) apply.mutate({ body: { rules_version: preview.data.rules_version } }); else onDone(); }}>
      <p>{preview.data ? (n ? `${n} conversation${n === 1 ? '' : 's'} waiting unassigned would go elsewhere under the saved rules. Conversations someone holds never move.` : 'Every waiting conversation is where the saved rules send it.') : 'Looking…'}</p>
    </FormDialog>
  );
}

export function Rules() {
  const role = useSession().data?.agent?.role;
  const canChange = role === 'admin' || role === 'supervisor';
  const q = useAdminQuery('routingConfig', {});
  const config = q.data?.config;
  const tryRef = useRef<HTMLDivElement>(null);
  const [dialog, setDialog] = useState<null | { kind: 'edit'; rule: AdminRule | null } | { kind: 'remove'; rule: AdminRule } | { kind: 'versions' } | { kind: 'move' }>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const save = useAdminAction('setRoutingRules', { onError: (e) => setRefusal(e.message) });
  const saveList = (rules: AdminRule[], what: string) => save.mutate({ body: { rules } }, { onSuccess: (r) => { setDialog(null); announce(`${what}: version ${r.rules_version}`); } });
  return (
    <Screen ready={!!q.data || !!q.error} title="Routing rules"
      intro="The first rule whose conditions all hold decides where a new post goes: a support team's queue, or a department as an insight. A post no rule matches goes to the default queue. Saving never moves work already waiting unless you ask (m)."
      keys={canChange ? 'j/k move · n new · Enter edit · Shift+J/K reorder · x on/off · Delete remove · v versions · m move waiting work · t try it' : 'j/k move · t try it'}
      actions={canChange && <>
        <button onClick={() => setDialog({ kind: 'edit', rule: null })}>New rule <kbd>n</kbd></button>
        <button onClick={() => setDialog({ kind: 'versions' })}>Versions <kbd>v</kbd></button>
        <button onClick={() => setDialog({ kind: 'move' })}>Move waiting work <kbd>m</kbd></button></>}
      onKey={(key) => {
        if (key === 't') { tryRef.current?.querySelector<HTMLElement>('[data-try-text]')?.focus(); return true; }
        if (!canChange || !config) return false;
        if (key === 'n') { setDialog({ kind: 'edit', rule: null }); return true; }
        if (key === 'v') { setDialog({ kind: 'versions' }); return true; }
        if (key === 'm') { setDialog({ kind: 'move' }); return true; }
        return false;
      }}>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {config && (
        <>
          <KeyList label="Routing rules" items={config.rules} id={(r) => r.id} empty="No rules: every post goes to the default queue. Press n to add one."
            onAction={(key, rule) => {
              if (!canChange) return false;
              setRefusal(null);
              if (key === 'Enter') { setDialog({ kind: 'edit', rule }); return true; }
              if (key === 'Delete' || key === 'Backspace') { setDialog({ kind: 'remove', rule }); return true; }
              if (key === 'x') { saveList(config.rules.map((r) => (r.id === rule.id ? { ...r, enabled: !r.enabled } : r)), `${rule.name} ${rule.enabled ? 'off' : 'on'}`); return true; }
              if (key === 'J' || key === 'K') {
                const list = [...config.rules];
                const i = list.findIndex((r) => r.id === rule.id), j = key === 'J' ? i + 1 : i - 1;
                if (j < 0 || j >= list.length) return true;
                [list[i], list[j]] = [list[j]!, list[i]!];
                saveList(list, `${rule.name} moved ${key === 'J' ? 'down' : 'up'}`);
                return true;
              }
              return false;
            }}
            render={(r) => (
              <span className={`admin-row${r.enabled ? '' : ' archived'}`} aria-label={`${r.name}${r.enabled ? '' : ', off'}: ${r.filters.map(describeFilter).join(' and ') || 'every post'} → ${destination(config, r)}`}>
                <strong>{r.name}</strong>
                {!r.enabled && <span className="tag">Off</span>}
                <span className="muted">{r.filters.map(describeFilter).join(' · ') || 'every post'}</span>
                <span>→ {destination(config, r)}</span>
              </span>
            )} />
          <p className="muted">No rule matches: {queueLabel(config, config.default_queue_id)}.</p>
          {refusal && <p className="error" role="alert">{refusal}</p>}
          <div ref={tryRef}><TryIt config={config} /></div>
          {dialog?.kind === 'edit' && <RuleForm config={config} rule={dialog.rule} onDone={() => setDialog(null)} />}
          {dialog?.kind === 'remove' && (
            <FormDialog label={`Remove rule ${dialog.rule.name}?`} submit="Remove" danger focusSubmit onClose={() => setDialog(null)} busy={save.isPending} error={save.error}
              onSubmit={() => saveList(config.rules.filter((r) => r.id !== dialog.rule.id), `${dialog.rule.name} removed`)}>
              <p>New posts it would have matched go on to the next rules. Waiting work stays where it is.</p>
            </FormDialog>
          )}
          {dialog?.kind === 'versions' && <Versions onDone={() => setDialog(null)} />}
          {dialog?.kind === 'move' && <MoveWaiting onDone={() => setDialog(null)} />}
        </>
      )}
    </Screen>
  );
}
