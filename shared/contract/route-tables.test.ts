/**
 * Each hub route is named once: one row, in one table, with one schema per part that the hub, the
 * desktop core and the admin screens all read. (hub/api/contract.test.ts checks that the hub serves
 * exactly these rows.)
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_CALL_ROUTES } from './admin-call';
import { ADMIN_ROUTES } from './admin';
import { HUB_ROUTES, HUB_STREAMS } from './hub-routes';

const TABLES = { HUB_ROUTES, HUB_STREAMS, ADMIN_ROUTES } as const;

/** Fastify matches `:id` and `:version` in the same place alike: a route is its method and its path with parameters unnamed. */
const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path.replace(/:[a-z_]+/gi, ':')}`;

describe('the route tables', () => {
  it('name each method and path once, across every table', () => {
    const rows = new Map<string, string[]>();
    for (const [table, routes] of Object.entries(TABLES)) {
      for (const [name, r] of Object.entries(routes)) rows.set(routeKey(r), [...(rows.get(routeKey(r)) ?? []), `${table}.${name}`]);
    }
    expect([...rows].filter(([, names]) => names.length > 1)).toEqual([]);
  });

  it('give each row a name of its own, so admin.call names one row', () => {
    const hub = new Set([...Object.keys(HUB_ROUTES), ...Object.keys(HUB_STREAMS)]);
    expect(Object.keys(ADMIN_ROUTES).filter((n) => hub.has(n))).toEqual([]);
  });

  it("admin.call's rows are the tables' own rows (no schema of its own)", () => {
    for (const [name, row] of Object.entries(ADMIN_CALL_ROUTES)) {
      expect(row, name).toBe((ADMIN_ROUTES as Record<string, unknown>)[name] ?? (HUB_ROUTES as Record<string, unknown>)[name]);
    }
  });
});
