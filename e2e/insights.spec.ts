/**
 * Department insights on the desktop, keyboard only, against the real demo hub with routing: a
 * routing rule sends posts about cracked products to Product quality as insights; a supervisor
 * (Sam) sees the insight on the Floor, opens the Insights view (Shift+I), tries to close it while
 * the hub is down (told it needs the hub, text kept), and closes it with a resolution once online.
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { ARTIFACTS, hubApi, ingestPost, readState, startExtraHost, startHub, stopHub } from './support/stack';
import { expectAccessible } from './support/axe';
import { signIn } from './support/sign-in';

test.describe.configure({ mode: 'serial' });

type Host = Awaited<ReturnType<typeof startExtraHost>>;
type Api = Awaited<ReturnType<typeof hubApi>>;
let host: Host;
let page: Page;
let sam: Api;
let savedRules: unknown[] | null = null;

const RULE = {
  id: 'e2e-defects', name: 'Cracked products to product quality',
  filters: [{ field: 'keywords', op: 'any', values: ['cracked'] }],
  targets: [{ queue_id: 'q-team-quality' }],
};

test.beforeAll(async ({ browser }) => {
  host = await startExtraHost('sam-insights');
  page = await (await browser.newContext()).newPage();
  sam = await hubApi('sam@demo.tend');
  savedRules = (await sam('GET', '/v1/routing/config')).config.rules;
  await sam('PUT', '/v1/routing/rules', { rules: [RULE, ...savedRules!] });
});
test.afterAll(async () => {
  try {
    // the other specs need the hub up, routing as the demo does
    if (readState().hubPid === null) await startHub();
    if (savedRules) await (await hubApi('sam@demo.tend'))('PUT', '/v1/routing/rules', { rules: savedRules });
  } finally {
    await page?.context().close();
    await host?.stop();
  }
});

test('a supervisor sees a department insight and closes it by keyboard; offline the close says it needs the hub', async () => {
  const marker = `kettle${Date.now().toString(36)}`;
  const got = await ingestPost(`The lid of my ${marker} cracked after one week`, 'kettle_kate');
  const onHub = async () => (await sam('GET', '/v1/routing/insights')).insights.find((i: { conversation_id: string }) => i.conversation_id === got.conversation_id);
  await expect.poll(async () => (await onHub())?.status).toBe('open');

  await signIn(page, host.appUrl, 'sam@demo.tend');
  // on the Floor: the insight with its department, rule and when it opened
  await page.keyboard.press('Shift+F');
  const floorInsights = page.getByRole('region', { name: 'Floor' }).getByRole('listbox', { name: 'Open insights' });
  const floorRow = floorInsights.getByRole('option', { name: /^Product quality: .*, rule Cracked products to product quality$/ });
  await expect(floorRow).toHaveCount(1);
  await expect(floorRow).toContainText(/opened \d/);

  // Shift+I: the Insights view, the keyboard in its list, the newest (ours) selected
  await page.keyboard.press('Shift+I');
  const view = page.getByRole('region', { name: 'Insights' });
  const list = view.getByRole('listbox', { name: 'Open insights' });
  await expect(list).toBeFocused();
  const selected = list.locator('[role="option"][aria-selected="true"]');
  await expect(selected).toHaveAccessibleName(/^Product quality: .*rule Cracked products to product quality$/);
  await page.screenshot({ path: join(ARTIFACTS, 'insights.png') });
  await expectAccessible(page, 'insights');

  // The hub is down: closing needs it, the dialog says so and keeps the text
  await stopHub();
  await expect(page.getByRole('status', { name: 'Offline' })).toBeVisible();
  await page.keyboard.press('x');
  const dialog = page.getByRole('dialog', { name: 'Close insight' });
  const resolution = dialog.getByLabel('Resolution');
  await expect(resolution).toBeFocused();
  await expectAccessible(page, 'close an insight');
  await expect(dialog).toContainText('You are offline: closing an insight needs the hub.');
  await page.keyboard.type('Batch 42 sent to the supplier QA team');
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('alert')).toContainText(/^You are offline: closing an insight needs the hub/);
  await expect(resolution).toHaveValue('Batch 42 sent to the supplier QA team');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(list).toBeFocused();

  // Back online: x, the resolution, Enter — gone from the list, closed on the hub with who and what
  await startHub();
  await expect(page.getByRole('status', { name: 'Online' })).toBeVisible({ timeout: 60_000 });
  sam = await hubApi('sam@demo.tend');
  await expect.poll(async () => (await onHub())?.status, { timeout: 60_000 }).toBe('open');
  await expect(selected).toHaveAccessibleName(/^Product quality: /, { timeout: 30_000 });
  await page.keyboard.press('x');
  await expect(resolution).toBeFocused();
  await page.keyboard.type('Batch 42 sent to the supplier QA team');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(list).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: 'Insight closed: Product quality' })).toBeVisible();
  await expect.poll(async () => {
    const i = await onHub();
    return i && { status: i.status, resolution: i.resolution, closed_by: i.closed_by };
  }).toEqual({ status: 'closed', resolution: 'Batch 42 sent to the supplier QA team', closed_by: 'agent-sam' });
  await expect(list.getByRole('option', { name: /rule Cracked products to product quality$/ })).toHaveCount(0);

  // Shift+I again: back to the inbox
  await page.keyboard.press('Shift+I');
  await expect(page.getByRole('listbox', { name: 'Conversations' })).toBeVisible();
});
