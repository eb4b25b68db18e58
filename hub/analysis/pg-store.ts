/**
 * The hub's ModelStore: one JSON document per workspace in `analysis_models` (migration 0700),
 * so learned models live with the rest of the workspace (PGlite data dir or PostgreSQL server).
 */
import type { Queryable } from '../db/db';
import { parseWorkspaceModel, type ModelStore, type WorkspaceModel } from './model-store';

export class PgModelStore implements ModelStore {
  constructor(private readonly db: Queryable) {}

  async load(workspaceId: string): Promise<WorkspaceModel | null> {
    // as text: the model holds large count maps, parsed once here rather than by the driver
    const [r] = await this.db.query<{ model: string }>('SELECT model::text AS model FROM analysis_models WHERE workspace_id = $1', [workspaceId]);
    return r ? parseWorkspaceModel(JSON.parse(r.model), `analysis_models:${workspaceId}`) : null;
  }

  async save(workspaceId: string, model: WorkspaceModel): Promise<void> {
    await this.db.query(
      `INSERT INTO analysis_models (workspace_id, model, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (workspace_id) DO UPDATE SET model = excluded.model, updated_at = now()`,
      [workspaceId, JSON.stringify(model)]);
  }
}
