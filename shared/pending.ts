/**
 * Requests in flight over a message channel (a worker thread, a WebSocket), by id: the one helper
 * the desktop's worker proxy, the renderer's web transport and the hub's PGlite thread use to match
 * an answer to its request and to settle everything still open when the channel goes away.
 */
export class PendingRequests<T> {
  private nextId = 1;
  private readonly open = new Map<number, { resolve(value: T): void; reject(err: Error): void }>();

  /** A new request: its id (to send along) and the promise its answer settles. */
  start(): { id: number; answer: Promise<T> } {
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => this.open.set(id, { resolve, reject }));
    return { id, answer };
  }

  /** The answer to request `id`; false when no such request is open (answered already, or unknown). */
  resolve(id: number, value: T): boolean {
    const p = this.open.get(id);
    if (!p) return false;
    this.open.delete(id);
    p.resolve(value);
    return true;
  }

  reject(id: number, err: Error): boolean {
    const p = this.open.get(id);
    if (!p) return false;
    this.open.delete(id);
    p.reject(err);
    return true;
  }

  /** The channel is gone: every open request fails with `err`. */
  rejectAll(err: Error): void {
    const all = [...this.open.values()];
    this.open.clear();
    for (const p of all) p.reject(err);
  }

  /** The channel is gone, and the requests answer `value` (a transport whose answers are results, not throws). */
  resolveAll(value: T): void {
    const all = [...this.open.values()];
    this.open.clear();
    for (const p of all) p.resolve(value);
  }

  get size(): number { return this.open.size; }
}
