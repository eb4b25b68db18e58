/**
 * First run in the app (issue 12): a hub started without the demo on an empty data dir. The app asks
 * for the first admin and the workspace (keyboard only), refuses bad input without creating anything,
 * signs the admin in and lands on the checklist; connecting a channel from there ticks its item, as
 * the hub's checklist says too. A sign-in locked out by wrong passwords is lifted from People.
 * Screenshots light and dark under e2e/artifacts/.
 */
import { expect, test, type Page } from '@playwright/test';
import { openScreen, shoot } from './support/admin-screens';
import { answerPresenceAtSignIn } from './support/sign-in';
import { startFreshStack } from './support/stack';
import type { Loose } from '../testing/json';

let fresh: Awaited<ReturnType<typeof startFreshStack>>;
let page: Page;

test.beforeAll(async ({ browser }) => {
  // a lockout after 3 wrong passwords, so the test can make one at once (this hub is the test's own)
  fresh = await startFreshStack('first-run', { TEND_LOGIN_LOCKOUT_AFTER: '3' });
  page = await (await browser.newContext()).newPage();
});
test.afterAll(async () => {
  await page?.context().close();
  await fresh?.stop();
});

async function hub(path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<{ status: number; json: Loose }> {
  const res = await fetch(`${fresh.hubUrl}${path}`, {
    method: init.method ?? 'GET', headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return { status: res.status, json: await res.json() };
}

test('first run: the first admin sets the workspace up from the app and lands on the checklist, which ticks as things get done', async () => {
  expect((await hub('/v1/setup')).json).toEqual({ needed: true });
  await page.goto(fresh.appUrl);
  const form = page.getByRole('form', { name: 'Set up this hub' });
  await expect(form).toBeVisible();
  await expect(form.getByLabel('Workspace name')).toBeFocused();
  await page.keyboard.type('Acme Care');
  await page.keyboard.press('Tab'); // time zone: the desktop's own
  await page.keyboard.press('Tab');
  await page.keyboard.type('Olga Admin');
  await page.keyboard.press('Tab');
  await page.keyboard.type('olga@acme.example');
  await page.keyboard.press('Tab');
  await page.keyboard.type('short');
  await page.keyboard.press('Tab');
  await page.keyboard.type('short');
  await shoot(page, 'first-run');
  // a password too short: refused here, nothing created on the hub
  await page.keyboard.press('Enter');
  await expect(form.getByRole('alert')).toContainText('at least 8 characters');
  expect((await hub('/v1/setup')).json).toEqual({ needed: true });

  await form.getByLabel('New password', { exact: true }).fill('');
  await form.getByLabel('New password', { exact: true }).focus();
  await page.keyboard.type('olga-first-admin');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('olga-first-admin');
  await page.keyboard.press('Enter');
  await answerPresenceAtSignIn(page);

  // signed in, on the checklist: nothing done but the people (just Olga: not yet)
  const list = page.getByRole('listbox', { name: 'Checklist' });
  await expect(page.getByRole('region', { name: 'Getting started' })).toBeVisible();
  await expect(list.getByRole('option', { name: /^Connect a channel, to do/ })).toBeVisible();
  await expect(list.getByRole('option', { name: /^Add people, to do/ })).toBeVisible();
  await expect(list.getByRole('option', { name: /^Set business hours, to do/ })).toBeVisible();
  expect((await hub('/v1/setup')).json).toEqual({ needed: false });
  const token = (await hub('/v1/auth/login', { method: 'POST', body: { email: 'olga@acme.example', password: 'olga-first-admin' } })).json.token as string;
  const channelDone = async () => (await hub('/v1/admin/checklist', { token })).json.items.find((i: { id: string }) => i.id === 'channel').done;
  expect(await channelDone()).toBe(false);
  // the workspace has its support team and the four departments
  expect((await hub('/v1/admin/teams', { token })).json.teams.map((t: { name: string }) => t.name).sort())
    .toEqual(['Loyalty', 'Product management', 'Product quality', 'Store operations', 'Support']);
  // the presence question kept the keyboard; once answered, it lands in the checklist
  await expect(list).toBeFocused();
  await shoot(page, 'checklist');

  // Enter on "Connect a channel" opens Channels; a feed connected there ticks the item
  await expect(list.getByRole('option', { name: /^Connect a channel/, selected: true })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Channels' })).toBeVisible();
  await expect(page.getByRole('listbox', { name: 'Channels' })).toBeFocused();
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: 'Connect a channel' });
  await dialog.getByRole('radio', { name: 'RSS/Atom feed' }).focus();
  await page.keyboard.press('Space');
  await dialog.getByLabel('Name', { exact: true }).focus();
  await page.keyboard.type('Forum');
  await dialog.getByLabel('Feed address').focus();
  await page.keyboard.type(`${fresh.hubUrl}/no-such-feed.xml`);
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(dialog).toBeHidden();
  await expect.poll(channelDone).toBe(true);

  await openScreen(page, 'Getting started');
  await expect(list.getByRole('option', { name: /^Connect a channel, done: 1 channel account/ })).toBeVisible();

  // three wrong passwords lock an e-mail out; People lists it and Enter lifts it
  for (let i = 0; i < 3; i++) await hub('/v1/auth/login', { method: 'POST', body: { email: 'olga@acme.example', password: `wrong-${i}` } });
  await expect.poll(async () => (await hub('/v1/admin/lockouts', { token })).json.lockouts.some((l: { subject: string; locked_until: string | null }) => l.subject === 'olga@acme.example' && l.locked_until)).toBe(true);
  await openScreen(page, 'People');
  const lockouts = page.getByRole('listbox', { name: 'Sign-in lockouts' });
  await expect(lockouts.getByRole('option', { name: /^olga@acme\.example, account, 3 failed sign-ins, locked until/ })).toBeVisible();
  await lockouts.focus();
  await shoot(page, 'people-lockouts');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await hub('/v1/admin/lockouts', { token })).json.lockouts.some((l: { subject: string }) => l.subject === 'olga@acme.example')).toBe(false);
  expect((await hub('/v1/auth/login', { method: 'POST', body: { email: 'olga@acme.example', password: 'olga-first-admin' } })).status).toBe(200);
});
