/**
 * The WebSocket streams open on this hub (sync, routing, supervisor), by the session they were
 * opened under, so that a session that ends (logout, revoked, its agent disabled, expired) closes
 * its streams at once instead of leaving them to push to someone who may no longer see them.
 */
import type { WebSocket } from 'ws';

/** Close code of a stream whose session ended: the client must sign in again (4000–4999 are the application's). */
export const SESSION_ENDED_CLOSE = 4401;

interface Entry { agentId: string; sockets: Set<WebSocket> }

export class StreamRegistry {
  private readonly bySession = new Map<string, Entry>();

  add(sessionId: string, agentId: string, socket: WebSocket): void {
    let e = this.bySession.get(sessionId);
    if (!e) { e = { agentId, sockets: new Set() }; this.bySession.set(sessionId, e); }
    const entry = e;
    entry.sockets.add(socket);
    socket.once('close', () => {
      entry.sockets.delete(socket);
      if (entry.sockets.size === 0 && this.bySession.get(sessionId) === entry) this.bySession.delete(sessionId);
    });
  }

  /** Sessions with at least one open stream here. */
  sessionIds(): string[] { return [...this.bySession.keys()]; }

  count(sessionId: string): number { return this.bySession.get(sessionId)?.sockets.size ?? 0; }

  /** Closes every stream of these sessions; how many were closed. */
  closeSessions(ids: Iterable<string>, why: string): number {
    let n = 0;
    for (const id of ids) {
      const e = this.bySession.get(id);
      if (!e) continue;
      this.bySession.delete(id);
      for (const s of e.sockets) {
        n++;
        try {
          s.close(SESSION_ENDED_CLOSE, `session ended: ${why}`.slice(0, 120));
        } catch { /* already closing */ }
        // a client that does not answer the close handshake is cut off
        setTimeout(() => { if (s.readyState !== s.CLOSED) s.terminate(); }, 2000).unref?.();
      }
    }
    return n;
  }

  closeAgent(agentId: string, why: string): number {
    return this.closeSessions([...this.bySession].filter(([, e]) => e.agentId === agentId).map(([id]) => id), why);
  }

  closeAll(why: string): void { this.closeSessions(this.sessionIds(), why); }
}
