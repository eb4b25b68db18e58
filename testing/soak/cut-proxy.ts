/**
 * A TCP proxy between a desktop and its hub that a test can cut and restore: the network cable
 * pulled out. Cut: every open connection is destroyed at once (a request in flight fails, the live
 * stream drops) and new ones are reset as they arrive (the desktop sees "connection reset", not a
 * refusal it could tell apart), but only once their request has been read: Node's fetch (undici)
 * waits for its timeout (the desktop's: 30 s) when a fresh desktop's first connection is closed
 * before its request was read, which stalled runs 30 s in their settle. A connection to a hub that is
 * down is reset the same way. The target port can change (a hub restarted elsewhere).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export class CutProxy {
  private readonly sockets = new Set<Socket>();
  private cutNow = false;
  cuts = 0;

  private next = 0;

  /** `trace`: one line per connection opened and closed (the soak's SOAK_TRACE_DIR) */
  private constructor(private readonly server: Server, public targetPort: number, readonly port: number, private readonly trace: ((line: string) => void) | null) {}

  static async start(targetPort: number, port = 0, trace: ((line: string) => void) | null = null): Promise<CutProxy> {
    let proxy: CutProxy | null = null;
    const server = createServer((client) => proxy!.accept(client));
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
    proxy = new CutProxy(server, targetPort, (server.address() as AddressInfo).port, trace);
    return proxy;
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }
  get isCut(): boolean { return this.cutNow; }

  private accept(client: Socket): void {
    client.on('error', () => {});
    if (this.cutNow) { resetOnceRead(client); return; }
    const upstream = connect(this.targetPort, '127.0.0.1');
    if (this.trace) {
      const id = ++this.next;
      const t = Date.now();
      let first = '';
      client.once('data', (d: Buffer) => { first = d.subarray(0, 60).toString('latin1').split('\r\n')[0]; });
      this.trace(`proxy conn ${id} open`);
      client.on('close', () => this.trace!(`proxy conn ${id} closed after ${Date.now() - t} ms (${first}; in ${client.bytesRead} B, out ${client.bytesWritten} B)`));
    }
    // the hub is down (refused): reset the desktop once its request is in, as a hub that died on it would
    upstream.on('error', () => { client.unpipe(upstream); resetOnceRead(client); });
    client.on('error', () => upstream.destroy());
    client.on('close', () => { upstream.destroy(); this.sockets.delete(client); this.sockets.delete(upstream); });
    let reached = false;
    upstream.once('connect', () => { reached = true; });
    // the hub went away: so does the desktop's connection (one that never reached it: the error above)
    upstream.on('close', () => { if (reached) client.destroy(); this.sockets.delete(upstream); });
    this.sockets.add(client);
    this.sockets.add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Pulls the cable: open connections die now, new ones are reset once their request is read. */
  cut(): void {
    this.cutNow = true;
    this.cuts++;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void { this.cutNow = false; }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Reads what the desktop sends, then resets the connection (never before its request is in; 2 s at most). */
function resetOnceRead(client: Socket): void {
  const reset = () => setTimeout(() => client.destroy(), 20).unref();
  client.on('data', reset);
  client.resume();
  if (client.bytesRead > 0) reset();
  setTimeout(() => client.destroy(), 2000).unref();
}
