/** Small data structures the engine needs: a timer heap and a sorted queue. */

export interface Timer { at: number; seq: number; kind: string; id: string; token: number }

/** Binary min-heap of timers ordered by (at, seq): ties fire in scheduling order. */
export class TimerHeap {
  private readonly h: Timer[] = [];
  private seq = 0;
  get size(): number { return this.h.length; }
  push(at: number, kind: string, id: string, token: number): void {
    const t: Timer = { at, seq: this.seq++, kind, id, token };
    const h = this.h;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p], t)) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = t;
  }
  peek(): Timer | undefined { return this.h[0]; }
  pop(): Timer | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        let mv = last;
        if (l < h.length && less(h[l], mv)) { m = l; mv = h[l]; }
        if (r < h.length && less(h[r], mv)) { m = r; }
        if (m === i) break;
        h[i] = h[m];
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}

function less(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Sort key of a waiting conversation: SLA due first, then priority, then target priority, then arrival. */
export interface QueueKey { due: number; prank: number; tprio: number; seq: number }

export function compareKeys(a: QueueKey, b: QueueKey): number {
  return a.due - b.due || b.prank - a.prank || b.tprio - a.tprio || a.seq - b.seq;
}

/** Array kept sorted by key; insert/remove by binary search (memmove of 20k pointers is microseconds). */
export class SortedQueue<T extends { qkey: QueueKey }> {
  readonly items: T[] = [];
  get size(): number { return this.items.length; }
  private lowerBound(k: QueueKey): number {
    let lo = 0, hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(this.items[mid].qkey, k) < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  insert(x: T): void {
    this.items.splice(this.lowerBound(x.qkey), 0, x);
  }
  remove(x: T): boolean {
    const i = this.lowerBound(x.qkey);
    if (this.items[i] === x) {
      this.items.splice(i, 1);
      return true;
    }
    return false;
  }
}
