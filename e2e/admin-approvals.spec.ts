/**
 * Approval rules (issue 15), keyboard only, against the real demo hub: an admin puts an agent in
 * training, adds keywords and a followers threshold and saves with Ctrl+Enter; the hub has exactly
 * those rules. A number that is not one is refused with the reason and changes nothing.
 */
import { expect, test, type Page } from '@playwright/test';
import { adminSession, openScreen, shoot, type HubApi } from './support/admin-screens';

test.describe.configure({ mode: 'serial' });

let page: Page;
let admin: HubApi;
adminSession('approval-rules', (s) => ({ page, admin } = s));

const DEFAULT_RULES = { all_public: false, agents_in_training: [], followers_over: null, verified: false, topics: [], keywords: [], confidence_below: null };

test('approval rules: an agent in training, keywords and a followers threshold, by keyboard; a bad number changes nothing', async () => {
  const before = (await admin('GET', '/v1/admin/approvals')).rules;
  expect(before).toEqual(DEFAULT_RULES);
  const ben = (await admin('GET', '/v1/admin/approvals')).agents.find((a: { name: string }) => /^Ben/.test(a.name));

  await openScreen(page, 'Approvals for public replies');
  const screen = page.getByRole('region', { name: 'Approvals for public replies' });
  await expect(screen.getByRole('checkbox', { name: /^Every public reply needs approval/ })).toBeFocused();
  await shoot(page, 'approval-rules');

  await screen.getByRole('checkbox', { name: ben.name }).focus();
  await page.keyboard.press('Space');
  await screen.getByLabel('Followers over').focus();
  await page.keyboard.type('many');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(screen.getByRole('alert')).toContainText('Followers over: give a number');
  expect((await admin('GET', '/v1/admin/approvals')).rules).toEqual(DEFAULT_RULES);

  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('10000');
  await screen.getByLabel('Keywords').focus();
  await page.keyboard.type('lawsuit, refund policy');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect.poll(async () => (await admin('GET', '/v1/admin/approvals')).rules).toEqual({
    ...DEFAULT_RULES, agents_in_training: [ben.id], followers_over: 10000, keywords: ['lawsuit', 'refund policy'],
  });
  await expect(screen.getByText(/^Last changed /)).toBeVisible();

  // back to the defaults for the other specs
  await admin('PUT', '/v1/admin/approvals', DEFAULT_RULES);
});
