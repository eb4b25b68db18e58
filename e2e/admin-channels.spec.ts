/**
 * Channels (issue 12), keyboard only, against the real demo hub: an admin connects an X account from
 * the app, the hub listens with its secret at once (no restart), the secret is never answered again,
 * the demo's test post goes through the stand-in's signed payload into the inbox, and disconnecting
 * stops the webhook. Screenshots light and dark under e2e/artifacts/.
 */
import { expect, test, type Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { adminSession, openScreen, shoot, type HubApi } from './support/admin-screens';
import { hubMessages, readState } from './support/stack';

test.describe.configure({ mode: 'serial' });

let page: Page;
let admin: HubApi;
adminSession('channels', (s) => ({ page, admin } = s));

const SECRET = 'e2e-consumer-secret-4321';
/** A mention delivered to the hub's X webhook, signed as X signs it. */
async function deliverX(text: string, secret: string): Promise<number> {
  const body = JSON.stringify({ for_user_id: '3001969357', tweet_create_events: [{
    created_at: 'Mon Dec 07 08:00:00 +0000 2026', id_str: `77${Date.now()}`, text, in_reply_to_status_id_str: null,
    user: { id_str: '4242', name: 'Kim Lee', screen_name: 'kimlee', followers_count: 3, verified: false }, entities: { hashtags: [], urls: [], user_mentions: [], symbols: [] },
  }] });
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;
  const res = await fetch(`${readState().hubUrl}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signature }, body });
  return res.status;
}

test('channels: an X account connected by keyboard listens at once, shows only the last 4 of its secrets, and stops when disconnected', async () => {
  await openScreen(page, 'Channels');
  const list = page.getByRole('listbox', { name: 'Channels' });
  await expect(list).toBeFocused();
  expect(await deliverX('before connecting', SECRET)).toBe(404);

  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: 'Connect a channel' });
  await expect(dialog.getByRole('radio', { name: 'X' })).toBeFocused();
  await dialog.getByLabel('Name', { exact: true }).focus();
  await page.keyboard.type('Acme Care on X');
  await page.keyboard.press('Tab');
  await page.keyboard.type('3001969357');
  await page.keyboard.press('Tab');
  await page.keyboard.type('@AcmeCare');
  await dialog.getByLabel(/^Consumer secret/).focus();
  await page.keyboard.type(SECRET);
  await page.keyboard.press('Tab');
  await page.keyboard.type('e2e-bearer-token-8765');
  await shoot(page, 'channels-connect');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(dialog).toBeHidden();

  // on the hub: in use, its secrets answered as set and their last 4 only
  const onHub = async () => (await admin('GET', '/v1/admin/channels')).channels.find((c: { name: string }) => c.name === 'Acme Care on X');
  await expect.poll(async () => (await onHub())?.active).toBe(true);
  const x = await onHub();
  expect(x.secrets).toEqual({ consumer_secret: { set: true, last4: '4321' }, bearer_token: { set: true, last4: '8765' } });
  expect(JSON.stringify(await admin('GET', '/v1/admin/channels'))).not.toContain(SECRET);
  // the hub listens with the secret typed in the app, without a restart
  expect(await deliverX('my kettle arrived broken, connected channel check', SECRET)).toBe(200);
  expect(await deliverX('forged', 'another-secret')).toBe(401);

  // t: the demo's test post through the stand-in lands in the hub
  const row = list.getByRole('option', { name: /^Acme Care on X, X, in use/ });
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(list).toBeFocused();
  await page.keyboard.press('t');
  await expect(page.getByRole('region', { name: 'Channels' }).getByRole('status').filter({ hasText: 'the hub took the test post' })).toBeVisible();
  await expect.poll(async () => (await hubMessages('Test post through the X stand-in')).length).toBe(1);
  await expect.poll(async () => (await onHub()).health.refused).toEqual({ '401 bad_signature': 1 });
  expect((await onHub()).health.stored).toBe(2);
  await expect(page.getByRole('definition').filter({ hasText: 'bad_signature' })).toBeVisible();
  await shoot(page, 'channels');

  // Enter edits: the secrets show only as "set, ends in …", and an empty field keeps them
  await page.keyboard.press('Enter');
  const edit = page.getByRole('dialog', { name: 'Edit Acme Care on X' });
  await expect(edit.getByText('Set (ends in 4321): leave empty to keep it')).toBeVisible();
  await expect(edit.getByLabel(/^Consumer secret/)).toHaveValue('');
  await page.keyboard.press('Escape');
  await expect(edit).toBeHidden();

  // Delete, Enter: disconnected; the webhook stops at once
  await list.focus();
  await page.keyboard.press('Delete');
  const confirm = page.getByRole('dialog', { name: 'Disconnect Acme Care on X?' });
  await expect(confirm).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(confirm).toBeHidden();
  await expect.poll(async () => (await admin('GET', '/v1/admin/channels')).channels.length).toBe(0);
  expect(await deliverX('after disconnecting', SECRET)).toBe(404);
});
