import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { openTestDb } from '../../testing/hub/testdb';
import { call } from '../../testing/hub/client';

let db: Db;
let hub: Hub;
let cleaned = false;

beforeAll(async () => {
  db = await openTestDb('extend');
  hub = await startHub({
    database: db, outbound: { dispatcher: false },
    extend: async ({ app }) => {
      app.post('/webhooks/probe', { config: { public: true } }, async () => ({ ok: 'public' }));
      app.get('/v1/extension/private', async (req) => ({ agent: req.agent?.id }));
      return async () => { cleaned = true; };
    },
  });
});
afterAll(async () => {
  await db?.close();
});

describe('extending the hub', () => {
  it('routes marked public skip agent auth; others need a token; cleanup runs at close', async () => {
    expect((await call(hub.url, 'POST', '/webhooks/probe', { body: {} })).json).toEqual({ ok: 'public' });
    const r = await call(hub.url, 'GET', '/v1/extension/private');
    expect(r.status).toBe(401);
    await hub.close();
    expect(cleaned).toBe(true);
  });
});
