/**
 * Surveys and return on care (issue 12), keyboard only, against the real demo hub: an admin changes
 * where surveys go (a public reply only when chosen), the CSAT words and the cost of a call; the hub's
 * settings and the report's return on care show the change at once. Bad words are refused with the
 * reason and change nothing. Screenshots light and dark under e2e/artifacts/.
 */
import { expect, test, type Page } from '@playwright/test';
import { adminSession, openScreen, shoot, type HubApi } from './support/admin-screens';

test.describe.configure({ mode: 'serial' });

let page: Page;
let admin: HubApi;
adminSession('surveys', (s) => ({ page, admin } = s));

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const report = async () => (await admin('GET', `/v1/metrics/report?from=${day(-30)}&to=${day(1)}`)).total.roi;

test('surveys and return on care: private by default, public replies and own words chosen by keyboard, a call’s cost moves the report', async () => {
  const before = await admin('GET', '/v1/metrics/settings');
  expect(before.surveys).toMatchObject({ delivery: 'private', csat: { ask: true, wording: null } });
  const roiBefore = await report();

  await openScreen(page, 'Surveys and return on care');
  const screen = page.getByRole('region', { name: 'Surveys and return on care' });
  await expect(screen.getByRole('checkbox', { name: 'Ask CSAT after a resolve' })).toBeFocused();
  await expect(screen.getByRole('radio', { name: /^A private message where the platform allows it \(X/ })).toBeChecked();
  await shoot(page, 'surveys');

  // words that do not say how to answer: refused with the reason, nothing changed
  await page.keyboard.press('Tab');
  await expect(screen.getByLabel('CSAT question')).toBeFocused();
  await page.keyboard.type('Did we do well?');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(screen.getByRole('alert')).toContainText('a number from 1 to 5');
  expect((await admin('GET', '/v1/metrics/settings')).surveys).toEqual(before.surveys);

  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('How did {brand} do today, {first_name}? Reply from 1 (poor) to 5 (great).');
  await expect(screen.getByText('Customers read: “Thanks, Maria! How did Acme Care do today, Maria? Reply from 1 (poor) to 5 (great).”')).toBeVisible();
  await screen.getByRole('radio', { name: /^A private message where the platform allows it, otherwise a public reply/ }).focus();
  await page.keyboard.press('Space');
  await screen.getByLabel('Cost of a phone call').focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(String(roiBefore.cost_per_contact.phone + 10));
  await page.keyboard.press('ControlOrMeta+Enter');

  await expect.poll(async () => (await admin('GET', '/v1/metrics/settings')).surveys.delivery).toBe('private_else_public');
  const after = await admin('GET', '/v1/metrics/settings');
  expect(after.surveys.csat.wording).toBe('How did {brand} do today, {first_name}? Reply from 1 (poor) to 5 (great).');
  expect(after.roi.cost_per_contact.phone).toBe(roiBefore.cost_per_contact.phone + 10);
  // the report's return on care uses the new cost at once: each avoided call saves 10 more
  const roiAfter = await report();
  expect(roiAfter.cost_saved).toBeCloseTo(roiBefore.cost_saved + roiBefore.calls_avoided * 10, 2);
  await shoot(page, 'surveys-changed');

  // back to the defaults for the other specs
  await admin('PUT', '/v1/metrics/settings', { surveys: before.surveys, roi: before.roi });
});
