/**
 * Channels (admins): X, Facebook and Instagram accounts and RSS/Atom feeds connected from the app.
 * Secrets are typed once and kept encrypted on the hub; the screen only ever shows whether each is
 * set and its last 4 characters. Environment variables on the hub win, and are listed as such.
 * Each channel shows its health: last post received, last failure, and what was refused, by reason.
 * Keys: j/k move, n new, Enter edit, t test post (demo) or poll now (feeds), Delete disconnect.
 */
import { useState } from 'react';
import { CHANNEL_SECRETS, FEED_CHANNELS, type AdminChannel, type ChannelInput, type ChannelKind } from '../../../../shared/contract/admin';
import { useAdminAction, useAdminQuery } from '../../api/admin';
import { useUi } from '../../app/store';
import { KeyList } from '../../components/KeyList';
import { Field, FormDialog, Screen } from './parts';
import { clockTime } from '../../app/format';

const announce = (t: string) => useUi.getState().announce(t);
const KIND_LABEL: Record<ChannelKind, string> = { x: 'X', facebook: 'Facebook Page', instagram: 'Instagram', feed: 'RSS/Atom feed' };
const SECRET_LABEL: Record<string, string> = {
  consumer_secret: 'Consumer secret (checks X deliveries)', bearer_token: 'Bearer token (posts replies)',
  app_secret: 'App secret (checks Meta deliveries)', verify_token: 'Verify token (typed in the Meta app’s webhook settings)', access_token: 'Page access token (posts replies)',
};

/** A time of the channel's health; none: none since the hub started counting (health is not kept across a hub restart) */
const when = (iso: string | null, h: AdminChannel['health']) => (iso ? clockTime(iso) : `none since ${clockTime(h.counted_since)}`);

function ChannelForm({ channel, onDone }: { channel: AdminChannel | null; onDone(): void }) {
  const [kind, setKind] = useState<ChannelKind>(channel?.kind ?? 'x');
  const s = (channel?.settings ?? {}) as Record<string, string | number | undefined>;
  const [name, setName] = useState(channel?.name ?? '');
  const [accountId, setAccountId] = useState(String(s.account_id ?? ''));
  const [handle, setHandle] = useState(String(s.handle ?? ''));
  const [apiBase, setApiBase] = useState(String(s.api_base ?? ''));
  const [url, setUrl] = useState(String(s.url ?? ''));
  const [feedChannel, setFeedChannel] = useState(String(s.channel ?? 'review'));
  const [interval, setIntervalText] = useState(String(s.interval_minutes ?? 15));
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const done = (what: string) => { onDone(); announce(what); };
  const create = useAdminAction('adminCreateChannel', { onSuccess: (r) => done(`${r.channel.name} connected${r.channel.active ? '' : `, not in use: ${r.channel.inactive_reason}`}`) });
  const update = useAdminAction('adminUpdateChannel', { onSuccess: (r) => done(`${r.channel.name} saved`) });
  const action = channel ? update : create;
  const [local, setLocal] = useState<string | null>(null);
  const submit = () => {
    setLocal(null);
    const given = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v.trim()));
    let body: ChannelInput;
    if (kind === 'feed') {
      const minutes = Number(interval);
      if (!Number.isInteger(minutes)) { setLocal('Poll every: give whole minutes'); return; }
      body = { kind, name, url: url.trim(), channel: feedChannel as (typeof FEED_CHANNELS)[number], interval_minutes: minutes };
    } else if (kind === 'x') body = { kind, name, account_id: accountId.trim(), handle: handle.trim(), ...(apiBase.trim() ? { api_base: apiBase.trim() } : {}), secrets: given };
    else body = { kind, name, account_id: accountId.trim(), ...(apiBase.trim() ? { api_base: apiBase.trim() } : {}), secrets: given };
    if (channel) update.mutate({ params: { id: channel.id }, body }); else create.mutate({ body });
  };
  return (
    <FormDialog label={channel ? `Edit ${channel.name}` : 'Connect a channel'} submit={channel ? 'Save' : 'Connect'} wide onClose={onDone}
      busy={action.isPending} error={local ?? action.error} onSubmit={submit}>
      {!channel && (
        <fieldset className="admin-choice">
          <legend>Kind</legend>
          {(Object.keys(KIND_LABEL) as ChannelKind[]).map((k) => (
            <label key={k}><input type="radio" name="channel-kind" checked={kind === k} onChange={() => setKind(k)} data-autofocus={k === 'x' || undefined} /> {KIND_LABEL[k]}</label>
          ))}
        </fieldset>
      )}
      <div className="admin-grid">
        <Field label="Name" hint="How posts and replies name this account">{(id, hint) => <input id={id} aria-describedby={hint} value={name} onChange={(e) => setName(e.target.value)} placeholder={kind === 'feed' ? 'Trustpilot reviews' : 'Acme Care'} data-autofocus={channel ? true : undefined} />}</Field>
        {kind !== 'feed' && <Field label="Account id" hint={kind === 'x' ? 'The numeric user id of the brand account' : 'The numeric id of the Page or Instagram account'}>{(id, hint) => (
          <input id={id} aria-describedby={hint} inputMode="numeric" value={accountId} onChange={(e) => setAccountId(e.target.value)} placeholder="3001969357" />)}</Field>}
        {kind === 'x' && <Field label="Handle">{(id) => <input id={id} value={handle} onChange={(e) => setHandle(e.target.value)} placeholder="@AcmeCare" />}</Field>}
        {kind === 'feed' && <Field label="Feed address">{(id) => <input id={id} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/reviews.rss" />}</Field>}
        {kind === 'feed' && <Field label="Feed kind">{(id) => (
          <select id={id} value={feedChannel} onChange={(e) => setFeedChannel(e.target.value)}>{FEED_CHANNELS.map((c) => <option key={c} value={c}>{c}</option>)}</select>)}</Field>}
        {kind === 'feed' && <Field label="Poll every (minutes)">{(id) => <input id={id} inputMode="numeric" value={interval} onChange={(e) => setIntervalText(e.target.value)} />}</Field>}
        {kind !== 'feed' && <Field label="API address" hint="Leave empty for the platform; the demo's stand-in has its own">{(id, hint) => (
          <input id={id} aria-describedby={hint} value={apiBase} onChange={(e) => setApiBase(e.target.value)} placeholder={kind === 'x' ? 'https://api.x.com' : 'https://graph.facebook.com'} />)}</Field>}
      </div>
      {CHANNEL_SECRETS[kind].length > 0 && (
        <fieldset className="admin-choice">
          <legend>Secrets: stored encrypted on the hub, never shown again</legend>
          {(CHANNEL_SECRETS[kind] as readonly string[]).map((k) => {
            const stored = channel?.secrets[k];
            return (
              <Field key={k} label={SECRET_LABEL[k] ?? k} hint={stored?.set ? `Set (ends in ${stored.last4}): leave empty to keep it` : 'Not set'}>{(id, hint) => (
                <input id={id} aria-describedby={hint} type="password" autoComplete="off" className="admin-secret" value={secrets[k] ?? ''} onChange={(e) => setSecrets({ ...secrets, [k]: e.target.value })} />)}</Field>
            );
          })}
        </fieldset>
      )}
      <p className="muted">Ctrl+Enter saves · Esc cancels</p>
    </FormDialog>
  );
}

function refusals(h: AdminChannel['health']): string {
  const list = Object.entries(h.refused);
  return list.length ? list.map(([why, n]) => `${n}× ${why}`).join(', ') : 'none';
}

export function Channels() {
  const q = useAdminQuery('adminChannels', {}, { refetchMs: 10_000 });
  const [dialog, setDialog] = useState<null | { kind: 'edit'; channel: AdminChannel | null } | { kind: 'remove'; channel: AdminChannel }>(null);
  const [result, setResult] = useState<{ ok: boolean; detail: string } | null>(null);
  const remove = useAdminAction('adminDeleteChannel', { onSuccess: () => { setDialog(null); announce('Disconnected'); } });
  const test = useAdminAction('adminTestChannel', { onSuccess: (r) => { setResult(r); announce(r.detail); }, onError: (e) => setResult({ ok: false, detail: e.message }) });
  const channels = q.data?.channels ?? [];
  const demo = q.data?.demo ?? false;
  return (
    <Screen ready={!!q.data || !!q.error} title="Channels"
      intro="Connect X, Facebook and Instagram accounts and RSS/Atom feeds. Secrets are typed once, stored encrypted on the hub and never shown again. A change applies at once, without restarting the hub. Environment variables set on the hub win over what is set here."
      keys={`j/k move · n connect · Enter edit · t ${demo ? 'test post through the stand-in (feeds: poll now)' : 'poll a feed now'} · Delete disconnect`}
      actions={<button onClick={() => setDialog({ kind: 'edit', channel: null })}>Connect a channel <kbd>n</kbd></button>}
      onKey={(key) => { if (key === 'n') { setDialog({ kind: 'edit', channel: null }); return true; } return false; }}>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {q.data && (
        <KeyList label="Channels" items={channels} id={(c) => c.id} empty="No channel connected in the app: press n to connect one."
          onAction={(key, channel) => {
            setResult(null);
            if (key === 'Enter') { setDialog({ kind: 'edit', channel }); return true; }
            if (key === 'Delete' || key === 'Backspace') { setDialog({ kind: 'remove', channel }); return true; }
            if (key === 't') { test.mutate({ params: { id: channel.id } }); return true; }
            return false;
          }}
          render={(c) => (
            <span className="admin-row" aria-label={`${c.name}, ${KIND_LABEL[c.kind]}, ${c.active ? 'in use' : `not in use: ${c.inactive_reason}`}, last post ${when(c.health.last_delivery_at, c.health)}, refused ${refusals(c.health)}`}>
              <strong>{c.name}</strong>
              <span className="tag">{KIND_LABEL[c.kind]}</span>
              {c.active ? <span className="tag kind-department">In use</span> : <span className="tag warn" title={c.inactive_reason ?? ''}>Not in use</span>}
              <span className="muted">last post {when(c.health.last_delivery_at, c.health)}</span>
              <span className="muted num">{c.health.stored} stored</span>
              <span className="muted admin-teams">{c.kind === 'feed' ? String(c.settings.url) : Object.entries(c.secrets).map(([k, v]) => `${k.replace(/_/g, ' ')} ${v.set ? `…${v.last4}` : 'not set'}`).join(' · ')}</span>
            </span>
          )} />
      )}
      {result && <p className={result.ok ? 'muted' : 'error'} role={result.ok ? 'status' : 'alert'}>{result.detail}</p>}
      {channels.length > 0 && (
        <>
          <h3 className="admin-sub">Health</h3>
          <p className="muted">Counted by the hub since it started ({clockTime(channels[0]!.health.counted_since)}): posts and refusals before a hub restart are not known here.</p>
          <dl className="admin-dues" aria-label="Channel health">
            {channels.flatMap((c) => [
              <dt key={`${c.id}-n`}>{c.name}</dt>,
              <dd key={`${c.id}-h`}>
                {c.active ? '' : `Not in use: ${c.inactive_reason}. `}
                Last post {when(c.health.last_delivery_at, c.health)}. Last error: {c.health.last_error ? `${c.health.last_error.message} (${clockTime(c.health.last_error.at)})` : 'none'}. Refused: {refusals(c.health)}.
                {c.webhook_path ? ` Platform delivers to ${c.webhook_path} on this hub.` : ''}
              </dd>,
            ])}
          </dl>
        </>
      )}
      {q.data && q.data.environment.length > 0 && (
        <>
          <h3 className="admin-sub">Set by the hub’s environment (wins over the app)</h3>
          <ul aria-label="Channels from environment variables">
            {q.data.environment.map((e, i) => (
              <li key={i}>{e.detail}: {e.variables.join(', ')}. Last post {when(e.health.last_delivery_at, e.health)}; refused: {refusals(e.health)} (since {clockTime(e.health.counted_since)}).</li>
            ))}
          </ul>
        </>
      )}
      {q.data && <p className="muted">Secrets are encrypted with {q.data.key_source}.</p>}
      {dialog?.kind === 'edit' && <ChannelForm channel={dialog.channel} onDone={() => setDialog(null)} />}
      {dialog?.kind === 'remove' && (
        <FormDialog label={`Disconnect ${dialog.channel.name}?`} submit="Disconnect" danger focusSubmit onClose={() => { setDialog(null); remove.reset(); }}
          busy={remove.isPending} error={remove.error} onSubmit={() => remove.mutate({ params: { id: dialog.channel.id } })}>
          <p>The hub stops listening to it and posting on it now, and forgets its secrets. Conversations already received stay.</p>
        </FormDialog>
      )}
    </Screen>
  );
}
