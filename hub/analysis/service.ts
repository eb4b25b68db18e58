/**
 * The hub's view of analysis: one Analyzer per workspace, loaded from the ModelStore on first
 * use and kept in memory. `hookFor(workspaceId)` is what hub/conversations/ingest.ts takes as `analyzePost`.
 *
 * Two stages. The cheap stage (rules + naive Bayes + the linear model) runs inline on every post.
 * The embedding stage runs off the ingest path: posts the cheap stage was unsure of go into a
 * bounded queue (the oldest are dropped when a spike fills it, their cheap result standing), and
 * `refine()` answers at once for a post an agent is about to see.
 */
import type { NormalizedPost } from '../connectors/types';
import { Analyzer, type AnalysisResult, type Correction, type LabelDecision } from './analyzer';
import { sentenceEncoder, type Embedder } from './embedder';
import { loadLanguageModel } from './language';
import { MemoryModelStore, type ModelStore } from './model-store';

export interface AnalysisServiceOptions {
  store?: ModelStore;
  /** taxonomy for workspaces that have not saved their own */
  taxonomy?: unknown;
  /** the embedding stage: on (default: the bundled sentence encoder), off (false), or another embedder */
  embeddings?: false | (() => Promise<Embedder>);
  /** how many unsure posts may wait for the embedding stage (default 1,000) */
  queueLimit?: number;
  /** called when the embedding stage has re-read a queued post */
  onRefined?: (r: RefinedSentiment) => void;
}

export interface RefinedSentiment {
  workspaceId: string;
  /** the caller's id for the post (e.g. the message id) */
  id: string;
  sentiment: { label: string; score: number; confidence: number; source: 'embedding' };
  evidence?: number;
}

interface Queued { workspaceId: string; id: string; text: string }

export class AnalysisService {
  private readonly store: ModelStore;
  private readonly analyzers = new Map<string, Promise<Analyzer>>();
  private readonly queue: Queued[] = [];
  private draining = false;
  private readonly fitTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** posts dropped from a full queue since start (their cheap result stood) */
  dropped = 0;

  constructor(private readonly opts: AnalysisServiceOptions = {}) {
    this.store = opts.store ?? new MemoryModelStore();
    // fastText's language model loads in the background; the rules answer until it is there
    void loadLanguageModel();
  }

  forWorkspace(workspaceId: string): Promise<Analyzer> {
    let a = this.analyzers.get(workspaceId);
    if (!a) {
      a = new Analyzer({ store: this.store, taxonomy: this.opts.taxonomy, workspaceId }).load();
      // a failed load must not stick: the next call tries again
      a.catch(() => this.analyzers.delete(workspaceId));
      this.analyzers.set(workspaceId, a);
    }
    return a;
  }

  async analyzePost(workspaceId: string, post: NormalizedPost): Promise<AnalysisResult> {
    return (await this.forWorkspace(workspaceId)).analyzePost(post);
  }

  /** An agent corrected a label: the workspace learns it and persists it. */
  async learn(workspaceId: string, correction: Correction): Promise<void> {
    await (await this.forWorkspace(workspaceId)).learn(correction);
    if (correction.task === 'sentiment') this.scheduleEmbeddingFit(workspaceId);
  }

  async setTaxonomy(workspaceId: string, taxonomy: unknown): Promise<void> {
    await (await this.forWorkspace(workspaceId)).setTaxonomy(taxonomy);
  }

  /** The ingest hook of one workspace. */
  hookFor(workspaceId: string): (post: NormalizedPost) => Promise<AnalysisResult> {
    return (post) => this.analyzePost(workspaceId, post);
  }

  // ---- the embedding stage ----------------------------------------------------

  private embedder(): Promise<Embedder> | null {
    if (this.opts.embeddings === false) return null;
    return (this.opts.embeddings ?? sentenceEncoder)();
  }

  /** Re-reads a post with the embedding stage now (an agent is about to see it); null when the stage has nothing to add. */
  async refine(workspaceId: string, text: string): Promise<(LabelDecision & { score: number }) | null> {
    const e = this.embedder();
    if (!e) return null;
    const a = await this.forWorkspace(workspaceId);
    if (!a.hasEmbeddingStage) return null;
    return a.refineSentiment(text, await e);
  }

  /**
   * Queues a post the cheap stage was unsure of. Never blocks and never grows without bound: a
   * full queue drops its oldest post. Returns false when the post was not queued (stage off, or sure).
   */
  enqueueIfUnsure(workspaceId: string, id: string, text: string, result: Pick<AnalysisResult, 'sentiment'>): boolean {
    if (this.opts.embeddings === false || !Analyzer.isUnsure(result)) return false;
    this.queue.push({ workspaceId, id, text });
    const limit = this.opts.queueLimit ?? 1000;
    while (this.queue.length > limit) { this.queue.shift(); this.dropped++; }
    if (!this.draining) { this.draining = true; setImmediate(() => void this.drain()); }
    return true;
  }

  get queued(): number { return this.queue.length; }

  /** Works the queue in small batches, yielding between them so ingest and HTTP run in between. */
  private async drain(): Promise<void> {
    try {
      const e = this.embedder();
      while (e && this.queue.length) {
        const batch = this.queue.splice(0, 16);
        const embedder = await e;
        const vectors = await embedder.embed(batch.map((q) => q.text));
        for (let i = 0; i < batch.length; i++) {
          const q = batch[i];
          const a = await this.forWorkspace(q.workspaceId);
          if (!a.hasEmbeddingStage) continue;
          const d = await a.refineSentiment(q.text, embedder, vectors[i]);
          if (d) this.opts.onRefined?.({ workspaceId: q.workspaceId, id: q.id, sentiment: { label: d.label, score: d.score, confidence: Math.round(d.confidence * 100) / 100, source: 'embedding' }, evidence: d.evidence });
        }
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.draining = false;
    }
  }

  /** Fits a workspace's embedding stage now (embeds the corrections it has not embedded yet). */
  async fitEmbeddingStage(workspaceId: string): Promise<void> {
    const e = this.embedder();
    if (!e) return;
    await (await this.forWorkspace(workspaceId)).fitEmbeddingStage(await e);
  }

  /** Sentiment corrections come in bursts: refit the embedding stage once things are quiet. */
  private scheduleEmbeddingFit(workspaceId: string): void {
    if (this.opts.embeddings === false) return;
    clearTimeout(this.fitTimers.get(workspaceId));
    const t = setTimeout(() => { this.fitTimers.delete(workspaceId); void this.fitEmbeddingStage(workspaceId).catch(() => undefined); }, 10_000);
    t.unref?.();
    this.fitTimers.set(workspaceId, t);
  }

  close(): void {
    for (const t of this.fitTimers.values()) clearTimeout(t);
    this.fitTimers.clear();
    this.queue.length = 0;
  }
}
