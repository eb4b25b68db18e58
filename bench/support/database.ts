/**
 * Where a benchmark's hub keeps its data: with DATABASE_URL, a schema of its own on that PostgreSQL
 * server, dropped first so every run starts empty; without it, PGlite in memory (`{}`).
 */
import { openDb } from '../../hub/db/db';

export async function benchDatabase(schema: string): Promise<{ url?: string; schema?: string }> {
  const url = process.env.DATABASE_URL || undefined;
  if (!url) return {};
  const admin = await openDb({ url, poolSize: 1 });
  await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
  return { url, schema };
}
