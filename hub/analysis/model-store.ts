/**
 * Where a workspace's learned models live. The analyzer only needs load/save of one JSON
 * document per workspace; the hub can back it with PostgreSQL, tests and the CLI with files.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SerializedClassifier } from './classifier';
import type { SerializedLinear } from './linear';
import type { Taxonomy } from './taxonomy';

export const TASKS = ['sentiment', 'intent', 'topic', 'priority'] as const;
export type Task = (typeof TASKS)[number];

export interface WorkspaceModel {
  version: 1;
  /** the workspace's own taxonomy, when it edited the default one */
  taxonomy?: Taxonomy;
  models: Partial<Record<Task, SerializedClassifier>>;
  /** corrections learned so far, per task */
  corrections: Partial<Record<Task, number>>;
  /**
   * The corrections the linear models are refitted from (sentiment): [text, label, weight],
   * newest last, at most MAX_EXAMPLES. Absent in models saved before the linear model.
   */
  examples?: Partial<Record<Task, Array<[string, string, number]>>>;
  /** linear models fitted from `examples` */
  linear?: Partial<Record<Task, SerializedLinear>>;
  /** the embedding stage's head (sentence embedding + linear model probabilities → label) */
  deep?: Partial<Record<Task, SerializedLinear>>;
  updated_at: string;
}

export interface ModelStore {
  load(workspaceId: string): Promise<WorkspaceModel | null>;
  save(workspaceId: string, model: WorkspaceModel): Promise<void>;
}

const WorkspaceModelShape = z.object({
  version: z.literal(1),
  taxonomy: z.any().optional(),
  models: z.record(z.string(), z.any()),
  corrections: z.record(z.string(), z.number()),
  examples: z.record(z.string(), z.array(z.tuple([z.string(), z.string(), z.number()]))).optional(),
  linear: z.record(z.string(), z.any()).optional(),
  deep: z.record(z.string(), z.any()).optional(),
  updated_at: z.string(),
});

/** Checks the envelope of a stored model; the classifiers check their own contents when revived. */
export function parseWorkspaceModel(data: unknown, origin: string): WorkspaceModel {
  const r = WorkspaceModelShape.safeParse(data);
  if (!r.success) throw new Error(`${origin}: not a Tend analysis model (${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message})`);
  return r.data as WorkspaceModel;
}

export class MemoryModelStore implements ModelStore {
  private readonly docs = new Map<string, string>();
  async load(workspaceId: string): Promise<WorkspaceModel | null> {
    const s = this.docs.get(workspaceId);
    return s === undefined ? null : parseWorkspaceModel(JSON.parse(s), `memory:${workspaceId}`);
  }
  async save(workspaceId: string, model: WorkspaceModel): Promise<void> {
    // stored as text so later changes to the live objects cannot leak in
    this.docs.set(workspaceId, JSON.stringify(model));
  }
}

/** One JSON file per workspace in `dir`, replaced atomically (write then rename). */
export class FileModelStore implements ModelStore {
  constructor(private readonly dir: string) {}

  private file(workspaceId: string): string {
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(workspaceId) || workspaceId.startsWith('.')) {
      throw new Error(`workspace id "${workspaceId}" cannot name a model file (letters, digits, _ . - only)`);
    }
    return join(this.dir, `${workspaceId}.model.json`);
  }

  async load(workspaceId: string): Promise<WorkspaceModel | null> {
    const file = this.file(workspaceId);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    let data: unknown;
    try { data = JSON.parse(text); } catch (e) { throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e }); }
    return parseWorkspaceModel(data, file);
  }

  async save(workspaceId: string, model: WorkspaceModel): Promise<void> {
    const file = this.file(workspaceId);
    await mkdir(this.dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, JSON.stringify(model));
    await rename(tmp, file);
  }
}
