/**
 * The hub's view of analysis: one Analyzer per workspace, loaded from the ModelStore on first
 * use and kept in memory. `hookFor(workspaceId)` is what hub/conversations/ingest.ts takes as `analyzePost`.
 */
import type { NormalizedPost } from '../connectors/types';
import { Analyzer, type AnalysisResult, type Correction } from './analyzer';
import { MemoryModelStore, type ModelStore } from './model-store';

export interface AnalysisServiceOptions {
  store?: ModelStore;
  /** taxonomy for workspaces that have not saved their own */
  taxonomy?: unknown;
}

export class AnalysisService {
  private readonly store: ModelStore;
  private readonly analyzers = new Map<string, Promise<Analyzer>>();

  constructor(private readonly opts: AnalysisServiceOptions = {}) {
    this.store = opts.store ?? new MemoryModelStore();
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
  }

  async setTaxonomy(workspaceId: string, taxonomy: unknown): Promise<void> {
    await (await this.forWorkspace(workspaceId)).setTaxonomy(taxonomy);
  }

  /** The ingest hook of one workspace. */
  hookFor(workspaceId: string): (post: NormalizedPost) => Promise<AnalysisResult> {
    return (post) => this.analyzePost(workspaceId, post);
  }
}
