/**
 * A lookup table from feature id (a non-negative 32-bit integer, as hashString makes) to a value:
 * open addressing over an Int32Array of keys. The models score every post by looking up each of
 * its 100–300 features; in a Map of a few hundred thousand numbers each lookup is a hash-chain
 * walk with cache misses, and those lookups were the largest part of the cheap analysis stage.
 * Here a lookup is a multiply and, most of the time, one probe. No deletion, no ordering: it is a
 * cache beside the models' own Maps (which keep their insertion order for serialization).
 */
export class FeatureTable<V> {
  private keys: Int32Array;
  private values: Array<V | undefined>;
  private mask: number;
  private shift: number;
  private used = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Int32Array(cap).fill(-1);
    this.values = new Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  get size(): number { return this.used; }

  /** The value of `key`, or undefined when it was never set. */
  get(key: number): V | undefined {
    const keys = this.keys;
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = keys[i];
      if (k === key) return this.values[i];
      if (k === -1) return undefined;
      i = (i + 1) & this.mask;
    }
  }

  set(key: number, value: V): void {
    if (!(key >= 0 && key <= 0x7fffffff && Number.isInteger(key))) throw new Error(`feature id must be a non-negative 32-bit integer, got ${key}`);
    if ((this.used + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = keys[i];
      if (k === key) { this.values[i] = value; return; }
      if (k === -1) { keys[i] = key; this.values[i] = value; this.used++; return; }
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys, oldValues = this.values;
    const cap = oldKeys.length * 2;
    this.keys = new Int32Array(cap).fill(-1);
    this.values = new Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    this.used = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== -1) this.set(oldKeys[i], oldValues[i] as V);
  }
}
