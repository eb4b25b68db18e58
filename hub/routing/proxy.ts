/**
 * Forwarding routing requests from a follower hub to the leader (see leader.ts), so a desktop
 * keeps talking to whichever hub it uses.
 *
 * - HTTP: method, path with query, JSON body and the Authorization header go to the leader; its
 *   status and body come back unchanged.
 * - WebSocket (/v1/routing/stream): a connection to the leader with a fresh stream ticket of the
 *   caller's session (the desktop's own ticket was used up on this hub), piped both ways; when either
 *   side closes, so does the other (the desktop reconnects, and is forwarded to whichever hub leads then).
 * - No leader, or it does not answer: 503 `unavailable` with the reason (on the stream: an error
 *   message, then close 1013 "try again later").
 * A forwarded request carries FORWARDED_HEADER; a hub that receives one but does not lead (the
 * leadership moved in between) answers 503 rather than forwarding again.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebSocket } from 'ws';
import { HttpError } from '../api/errors';
import type { LeaderTarget } from './leader';
import type { ReplyCheck } from './collision';

export const FORWARDED_HEADER = 'x-tend-routing-forwarded';

const NO_LEADER = 'no hub leads routing for this database right now (another hub takes over within a few seconds): try again';

export type FindLeader = () => Promise<LeaderTarget | null>;

async function target(findLeader: FindLeader, req: FastifyRequest): Promise<LeaderTarget> {
  if (req.headers[FORWARDED_HEADER]) throw new HttpError(503, 'unavailable', 'this hub no longer leads routing: try again');
  let leader: LeaderTarget | null;
  try {
    leader = await findLeader();
  } catch (err) {
    throw new HttpError(503, 'unavailable', `cannot look up the routing leader: ${String((err as Error)?.message ?? err)}`);
  }
  if (!leader) throw new HttpError(503, 'unavailable', NO_LEADER);
  return leader;
}

export async function forwardHttp(findLeader: FindLeader, req: FastifyRequest, reply: FastifyReply, timeoutMs = 15_000): Promise<FastifyReply> {
  const leader = await target(findLeader, req);
  req.auditedElsewhere = true; // the leader acts, and records it
  const headers: Record<string, string> = { [FORWARDED_HEADER]: '1' };
  if (typeof req.headers.authorization === 'string') headers.authorization = req.headers.authorization;
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.body !== undefined && req.body !== null;
  if (hasBody) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(leader.url + req.url, {
      method: req.method, headers, body: hasBody ? JSON.stringify(req.body) : undefined, signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new HttpError(503, 'unavailable', `the routing leader at ${leader.url} does not answer (${String((err as Error)?.message ?? err)}): try again`);
  }
  const text = await res.text();
  reply.code(res.status);
  const type = res.headers.get('content-type');
  if (type) reply.header('content-type', type);
  return reply.send(text);
}

/** Pipes a client's routing stream to the leader's. */
export function forwardStream(findLeader: FindLeader, socket: WebSocket, req: FastifyRequest,
  streamTicket?: (sessionId: string) => Promise<string>): void {
  const pending: Array<{ data: WebSocket.RawData; binary: boolean }> = [];
  let upstream: WebSocket | null = null;
  let closed = false;
  let opened = false;
  const fail = (message: string) => {
    if (closed) return;
    closed = true;
    if (socket.readyState === socket.OPEN) {
      socket.send(JSON.stringify({ type: 'error', code: 'unavailable', message }));
      socket.close(1013, 'routing leader unavailable');
    }
  };
  socket.on('message', (data, binary) => {
    if (upstream?.readyState === WebSocket.OPEN) upstream.send(data, { binary });
    else if (pending.length < 100) pending.push({ data, binary });
  });
  socket.on('close', () => { closed = true; upstream?.close(); });

  const upstreamPath = async () => {
    const u = new URL(req.url, 'http://x');
    u.searchParams.delete('ticket');
    if (streamTicket && req.session) u.searchParams.set('ticket', await streamTicket(req.session.id));
    return u.pathname + u.search;
  };
  Promise.all([target(findLeader, req), upstreamPath()]).then(([leader, path]) => {
    if (closed) return;
    const headers: Record<string, string> = { [FORWARDED_HEADER]: '1' };
    const up = new WebSocket(`${leader.url.replace(/^http/, 'ws')}${path}`, { headers });
    upstream = up;
    up.on('open', () => {
      opened = true;
      for (const p of pending.splice(0)) up.send(p.data, { binary: p.binary });
    });
    up.on('message', (data, binary) => { if (socket.readyState === socket.OPEN) socket.send(data, { binary }); });
    up.on('error', (err) => { if (!opened) fail(`the routing leader at ${leader.url} does not answer (${err.message}): reconnect`); });
    up.on('close', () => {
      if (closed) return;
      closed = true;
      // the leader went away (or closed the stream): the desktop reconnects and is forwarded anew
      if (socket.readyState === socket.OPEN) socket.close(1012, 'routing leader changed');
    });
  }, (err) => fail(String((err as Error)?.message ?? err)));
}

/** A follower's reply-collision check, answered by the leader's tracker (HUB_ROUTES.internalCheckReply). */
export async function askLeaderToCheckReply(findLeader: FindLeader, path: string, secretHeader: string, input: unknown, timeoutMs = 5000): Promise<ReplyCheck> {
  const leader = await findLeader();
  if (!leader) throw new Error(`reply check: ${NO_LEADER}`);
  const res = await fetch(leader.url + path, {
    method: 'POST', headers: { 'content-type': 'application/json', [secretHeader]: leader.secret },
    body: JSON.stringify(input), signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`reply check: the routing leader at ${leader.url} answered ${res.status} ${await res.text()}`);
  return await res.json() as ReplyCheck;
}
