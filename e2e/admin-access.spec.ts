/**
 * Access (issues 11 and 12), keyboard only, against the real demo hub: an admin sees a person's
 * sessions, disables them from People (their desktop is signed out at once, the hub refuses them),
 * enables them again, and reads the audit log, filtered, and exports it as CSV. Screenshots light
 * and dark under e2e/artifacts/.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { adminSession, openScreen, shoot, type HubApi } from './support/admin-screens';
import { signIn } from './support/sign-in';
import { readState, startExtraHost } from './support/stack';

test.describe.configure({ mode: 'serial' });

let agentHost: Awaited<ReturnType<typeof startExtraHost>>;
let page: Page;
let admin: HubApi;
const PASSWORD = 'erin-password-1';

adminSession('access-admin', (s) => ({ page, admin } = s));
test.afterAll(async () => {
  await agentHost?.stop();
});

test('access: a person disabled from People is signed out on their desktop at once; the audit log shows it and exports it', async ({ browser }) => {
  // Erin, a new agent who joined with a sign-up link, works on her own desktop
  const email = `erin.${Date.now().toString(36)}@demo.tend`;
  const made = await admin('POST', '/v1/admin/agents', { email, name: 'Erin Access', team_ids: ['team-care'], access: { kind: 'invite' } });
  await fetch(`${readState().hubUrl}/v1/auth/invite`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: made.invite.token, password: PASSWORD }) });
  const erinId = made.agent.id as string;
  agentHost = await startExtraHost('access-erin');
  const erin = await (await browser.newContext()).newPage();
  await signIn(erin, agentHost.appUrl, email, { password: PASSWORD });

  // People: to Erin, s shows her session
  await openScreen(page, 'People');
  const list = page.getByRole('listbox', { name: 'People' });
  await expect(list).toBeFocused();
  const row = list.getByRole('option', { name: /^Erin Access, agent/ });
  for (let i = 0; i < 60 && (await row.getAttribute('aria-selected')) !== 'true'; i++) await page.keyboard.press('j');
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('s');
  const sessions = page.getByRole('dialog', { name: 'Sessions of Erin Access' });
  await expect(sessions.getByRole('listbox', { name: 'Sessions' }).getByRole('option').first()).toHaveAccessibleName(/^since /);
  await shoot(page, 'people-sessions');
  await page.keyboard.press('Escape');
  await expect(sessions).toBeHidden();

  // d, Enter: disabled; her desktop is signed out at once and the hub refuses her
  await expect(list).toBeFocused();
  await page.keyboard.press('d');
  const confirm = page.getByRole('dialog', { name: 'Disable Erin Access?' });
  await expect(confirm).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(confirm).toBeHidden();
  await expect.poll(async () => (await admin('GET', '/v1/admin/agents')).agents.find((a: { id: string }) => a.id === erinId).disabled).toBe(true);
  expect((await admin('GET', `/v1/admin/agents/${erinId}/sessions`)).sessions).toEqual([]);
  await expect(erin.getByRole('form', { name: 'Sign in' })).toBeVisible();
  const login = await fetch(`${readState().hubUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  expect(login.ok).toBe(false);
  await expect(list.getByRole('option', { name: /^Erin Access, agent.*, disabled/ })).toBeVisible();
  await shoot(page, 'people-disabled');

  // d again: enabled
  await expect(list).toBeFocused();
  await page.keyboard.press('d');
  await expect.poll(async () => (await admin('GET', '/v1/admin/agents')).agents.find((a: { id: string }) => a.id === erinId).disabled).toBe(false);
  await erin.context().close();

  // the audit log: People only, the disable and the enable, exported as CSV
  await openScreen(page, 'Audit log');
  const entries = page.getByRole('listbox', { name: 'Audit entries' });
  await expect(entries).toBeFocused();
  await page.keyboard.press('/');
  await expect(page.getByLabel('What')).toBeFocused();
  await page.getByLabel('What').selectOption({ label: 'People' });
  await expect(entries.getByRole('option', { name: /^agent\.disabled by Demo Admin on agent Erin Access, / })).toBeVisible();
  await expect(entries.getByRole('option', { name: /^auth\./ })).toHaveCount(0);
  await shoot(page, 'audit');
  await entries.focus();
  const downloading = page.waitForEvent('download');
  await page.keyboard.press('e');
  const file = await downloading;
  const csv = readFileSync((await file.path())!, 'utf8');
  expect(csv.split('\n')[0]).toMatch(/action/);
  expect(csv).toContain('agent.disabled');
  expect(csv).toContain(erinId);
  expect(csv).not.toContain('auth.login');
});
