/**
 * Staffing the shift (issue 15), keyboard only, on a demo hub of its own (no conversations, a week
 * and more of history stored as an import stores it): a supervisor (Sam) imports a schedule CSV in
 * Administration: Schedules (a file with a bad row first: refused with the row named, nothing stored),
 * then the Floor shows Ana in adherence while she is online and out of adherence once she goes offline,
 * pushed live, and forecast vs actual conversations per 15 minutes, an arrival counted live.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { join } from 'node:path';
import { expectAccessible } from './support/axe';
import { openScreen } from './support/admin-screens';
import { signIn } from './support/sign-in';
import { ARTIFACTS, startOwnStack } from './support/stack';

test.describe.configure({ mode: 'serial' });

let stack: Awaited<ReturnType<typeof startOwnStack>>;
let context: BrowserContext;
let sam: Page;
const HOUR = 3_600_000;
const at = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Ana's presence as her desk would set it (her own session on the spec's hub). */
async function anaPresence(activity_id: string): Promise<void> {
  const login = await fetch(`${stack.hubUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ana@demo.tend', password: 'demo' }) });
  const { token } = await login.json() as { token: string };
  const res = await fetch(`${stack.hubUrl}/v1/routing/presence`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ activity_id }) });
  expect(res.status, await res.text()).toBe(200);
}

/** Conversations that arrived per listed interval, by the interval's time ("06:15 PM: 1 forecast, 3 arrived; …"). */
async function arrived(list: ReturnType<Page['getByRole']>): Promise<Map<string, number>> {
  const labels = await list.locator('.staffing-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  return new Map(labels.map((l) => [l.split(': ')[0]!, Number(/, (\d+) arrived/.exec(l)?.[1] ?? 0)]));
}
/** Arrivals since `before`, over the intervals listed in both (the list drops its oldest interval as time passes) and the new ones. */
const arrivedSince = (before: Map<string, number>, now: Map<string, number>) =>
  [...now].reduce((n, [t, count]) => n + count - (before.get(t) ?? 0), 0);

test.beforeAll(async ({ browser }) => {
  stack = await startOwnStack('staffing', { demoSeed: 0 });
  // 8 days and more of history, 4 conversations an hour: the forecast has last week's same hour
  expect((await stack.control('/history', { hours: 8 * 24 + 3, per_hour: 4, text: 'where is my parcel' })).stored).toBeGreaterThan(700);
  context = await browser.newContext();
  sam = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
  await stack?.stop();
});

test('a supervisor imports a schedule CSV by keyboard: a bad row is named and nothing is stored, then the good file is', async () => {
  await signIn(sam, stack.appUrl, 'sam@demo.tend', { hubUrl: stack.hubUrl });
  await openScreen(sam, 'Schedules');
  const screen = sam.getByRole('region', { name: 'Schedules' });
  const shifts = screen.getByRole('listbox', { name: 'Shifts' });
  await expect(shifts).toBeFocused();
  await expect(shifts).toContainText('No shifts');

  const now = Date.now();
  const good = `agent_email,start,end,activity\nana@demo.tend,${at(now - HOUR)},${at(now + 3 * HOUR)},work\nana@demo.tend,${at(now + HOUR)},${at(now + 1.25 * HOUR)},break\n`;
  await sam.keyboard.press('i');
  const dialog = sam.getByRole('dialog', { name: 'Import shifts from CSV' });
  await expect(dialog.getByLabel('CSV')).toBeFocused();
  await sam.keyboard.type(`${good}nobody@demo.tend,${at(now)},${at(now + HOUR)}\n`);
  await sam.keyboard.press('ControlOrMeta+Enter');
  await expect(dialog.getByRole('alert')).toContainText('nothing imported: 1 bad row');
  await expect(dialog.getByRole('alert')).toContainText('line 4: no agent with the email nobody@demo.tend');
  await expectAccessible(sam, 'schedule import refused');

  await sam.keyboard.press('ControlOrMeta+A');
  await sam.keyboard.type(good);
  await sam.keyboard.press('ControlOrMeta+Enter');
  await expect(dialog).toBeHidden();
  await expect(shifts.getByRole('option')).toHaveCount(2);
  await expect(shifts.getByRole('option').first()).toHaveAccessibleName(/^Ana Kowalski, work, /);
  await expect(shifts.getByRole('option').nth(1)).toHaveAccessibleName(/^Ana Kowalski, break, /);
  await expect(shifts).toBeFocused();
  await sam.screenshot({ path: join(ARTIFACTS, 'admin-schedules.png') });

  // s: the staffing settings the Floor's agents-needed use; a supervisor reads them (admins change them)
  await sam.keyboard.press('s');
  const settings = sam.getByRole('dialog', { name: 'Staffing settings' });
  await expect(settings.getByLabel('Service level (%)')).toHaveValue('80');
  await expect(settings).toContainText('Admins change these');
  await sam.keyboard.press('Escape');
  await expect(settings).toBeHidden();
  await expect(shifts).toBeFocused();
});

test('the Floor shows Ana in adherence while online and out of adherence once offline, live; forecast vs actual per 15 minutes', async () => {
  await anaPresence('available');
  await sam.keyboard.press('Shift+F');
  const floor = sam.getByRole('region', { name: 'Floor' });
  await expect(floor.getByRole('listbox', { name: 'SLA at risk and breached' })).toBeFocused();
  const adherence = floor.getByRole('listbox', { name: 'Adherence' });
  await expect(adherence.getByRole('option').first()).toHaveAccessibleName(/^Ana Kowalski: in adherence for .* \(available; scheduled work until /);

  // Ana goes offline: pushed to the floor, no reload
  await anaPresence('offline');
  await expect(adherence.getByRole('option').first()).toHaveAccessibleName(/^Ana Kowalski: out of adherence for .* \(offline; scheduled work until /);

  // forecast vs actual: the intervals as a list; the history's hour of the week is forecast, today's arrivals counted
  const intervals = floor.getByRole('listbox', { name: 'Staffing by interval' });
  await expect(intervals.locator('.staffing-row').first()).toBeVisible();
  const labels = await intervals.locator('.staffing-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  expect(labels.some((l) => /: (?!0 )[\d.]+ forecast/.test(l))).toBe(true);
  expect(labels.some((l) => /\d+ scheduled, \d+ needed/.test(l))).toBe(true);
  const before = await arrived(intervals);
  await stack.control('/ingest', { text: 'my parcel is late again', handle: 'late_parcel' });
  await expect.poll(async () => arrivedSince(before, await arrived(intervals))).toBe(1);
  await expect(floor.locator('.staffing-card .recharts-bar-rectangle').first()).toBeVisible();
  await expectAccessible(sam, 'floor with staffing');
  await sam.screenshot({ path: join(ARTIFACTS, 'floor-staffing.png') });
});
