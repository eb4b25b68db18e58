/**
 * The sync stream (WebSocket, HUB_STREAMS.sync). The client sends {type:'subscribe', since}; the hub answers
 * {type:'hello'} and then pushes {type:'changes', page} whenever a commit touches the agent's
 * scope. Pokes come from the change log after each local commit (and from LISTEN/NOTIFY when
 * several hubs share a server); a poke only wakes the pump, which reads the log itself, so
 * pokes may be lost or doubled without losing a change.
 *
 * Pages that hold nothing for this agent are not sent; the next page sent starts at the
 * client's last checkpoint, so `since` always equals what the client holds.
 */
import type { FastifyInstance } from 'fastify';
import type { StreamMessage } from '../../shared/contract/hub-api';
import { HUB_STREAMS, SubscribeSchema } from '../../shared/contract/hub-routes';
import { agentOf } from '../api/module';
import { serveStream } from '../api/route';
import type { ChangeLog, ChangeRecord } from './changelog';
import { agentKeys, changesPage, loadAgentContext, scopeCustomers } from './scope';

const PAGE = 1000;
const CUSTOMERS_REREAD_MS = 60_000;

export function attachStream(app: FastifyInstance, log: ChangeLog): void {
  serveStream(app, HUB_STREAMS.sync, (socket, req) => {
    const agent = agentOf(req);
    let clientSince: number | null = null; // the client's checkpoint (last `to` it was sent)
    let readFrom = 0; // where the next read starts (may be past clientSince)
    let pumping = false;
    let again = false;
    let closed = false;
    // what the last pump saw of the scope: lets a commit that cannot concern this agent skip the read
    let keys = new Set(agentKeys(agent));
    let customers = new Set<string>();
    // the customer set is read again only when the agent's teams change, or once a minute (it only
    // grows in between: see onCommit). Reading it on every pump cost each desktop a scan of its whole
    // direct scope per commit, the largest part of a stored post's CPU on a hub with 50 desktops
    let customersOf: string | null = null; // the teams it was read for
    let customersAt = 0;
    // another hub's commit comes as a poke without records: what it changed may have brought a
    // customer into the scope, so the set is read again
    let customersStale = false;
    let addedDuringRead: Set<string> | null = null;
    // the agent's record (teams, role) is read again only after a change of it: every such write
    // records the agent (key g:<agent>), and a poke from another hub (no records) may hide one
    let ctx = agent;
    let ctxStale = true;
    const selfKey = `g:${agent.id}`;

    const send = (m: StreamMessage | string) => {
      if (!closed && socket.readyState === socket.OPEN) socket.send(typeof m === 'string' ? m : JSON.stringify(m));
    };

    const pump = async () => {
      if (clientSince === null || closed) return;
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          if (ctxStale) {
            ctxStale = false; // a change of the agent during the read marks it again
            ctx = (await loadAgentContext(log.db, agent.id).catch((err: unknown) => { ctxStale = true; throw err; })) ?? agent;
            keys = new Set(agentKeys(ctx));
          }
          const teams = ctx.team_ids.join(',');
          if (customersStale || teams !== customersOf || Date.now() - customersAt > CUSTOMERS_REREAD_MS) {
            customersStale = false;
            customersOf = teams;
            customersAt = Date.now();
            // customers a commit adds while the set is read (onCommit) are kept: the read may predate that commit
            const added = new Set<string>();
            addedDuringRead = added;
            try {
              const fresh = await scopeCustomers(log.db, ctx);
              for (const c of added) fresh.add(c);
              customers = fresh;
            } catch (err) {
              customersStale = true; // read again on the next pump
              throw err;
            } finally {
              addedDuringRead = null;
            }
          }
          for (;;) {
            if (clientSince === null || closed) break;
            const page = await changesPage(log.db, ctx, readFrom, PAGE);
            if (page.reset) {
              send(`{"type":"changes","page":${page.json}}`);
              clientSince = null; // the client bootstraps and subscribes again
              break;
            }
            if (page.count > 0) {
              const json = page.json.replace(/^\{"since":-?\d+,/, `{"since":${clientSince},`);
              send(`{"type":"changes","page":${json}}`);
              clientSince = page.to;
            }
            readFrom = page.to;
            if (!page.has_more) break;
          }
        } while (again && !closed);
      } catch (err) {
        send({ type: 'error', code: 'internal', message: err instanceof Error ? err.message : String(err) });
      } finally {
        pumping = false;
      }
    };

    // A change that enters the scope carries this agent's key, so a stale customer set never
    // hides a relevant change; its customer joins the set at once, so the customer's other
    // conversations concern this agent from then on. An empty list (poke from another hub) always reads.
    const concerns = (changes: ChangeRecord[]) => {
      let hit = changes.length === 0;
      if (hit) { ctxStale = true; customersStale = true; }
      for (const c of changes) {
        if (c.keys.includes(selfKey)) ctxStale = true;
        if (c.keys.some((k) => keys.has(k))) {
          hit = true;
          if (c.customer_id !== null) { customers.add(c.customer_id); addedDuringRead?.add(c.customer_id); }
        } else if (c.customer_id !== null && customers.has(c.customer_id)) hit = true;
      }
      return hit;
    };
    const onCommit = (changes: ChangeRecord[]) => { if (concerns(changes)) void pump(); };
    log.events.on('committed', onCommit);
    const ping = setInterval(() => { if (socket.readyState === socket.OPEN) socket.ping(); }, 25_000);
    ping.unref?.();

    socket.on('message', (raw) => {
      let msg: unknown;
      try {
        msg = JSON.parse(raw.toString());
      } catch {
        send({ type: 'error', code: 'malformed_json', message: 'messages must be JSON' });
        return;
      }
      const r = SubscribeSchema.safeParse(msg);
      if (!r.success) {
        send({ type: 'error', code: 'invalid', message: 'expected {"type":"subscribe","since":<sync_id>}' });
        return;
      }
      void (async () => {
        const watermark = await log.maxSyncId();
        send({ type: 'hello', agent_id: agent.id, watermark });
        clientSince = r.data.since;
        readFrom = r.data.since;
        await pump();
      })();
    });
    socket.on('close', () => {
      closed = true;
      clearInterval(ping);
      log.events.off('committed', onCommit);
    });
  });
}
