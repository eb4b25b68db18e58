/**
 * Live spike alerts (issue 15), keyboard only. A demo hub of its own holds three days of a normal
 * history (two posts an hour) and is restarted, so it warms up from it; then a burst of customers'
 * mentions arrives through the real X webhook, signed as X signs it. The supervisor on the Floor
 * sees the alert appear live, with its severity, how long it has lasted, the terms that grew and
 * example posts; a desktop notification says so; Enter opens an example's conversation, and `a`
 * acknowledges it. Then `c` on the alert turns crisis mode on for the burst's topic: every agent's desk
 * shows the banner, and the topic's conversation offers the holding statement first; the palette turns
 * it off and the banner goes.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { expectAccessible } from './support/axe';
import { signIn } from './support/sign-in';
import { ARTIFACTS, startOwnStack } from './support/stack';
import { join } from 'node:path';

test.describe.configure({ mode: 'serial' });

const SECRET = 'e2e-spikes-consumer-secret';
let stack: Awaited<ReturnType<typeof startOwnStack>>;
let context: BrowserContext;
let sam: Page;

/** One mention at the hub's X webhook (Account Activity API shape), signed with the consumer secret as X signs it. */
async function deliverX(i: number, text: string): Promise<number> {
  const body = JSON.stringify({ for_user_id: '3001969357', tweet_create_events: [{
    created_at: new Date().toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) (\S+) GMT$/, '$1 $3 $2 $5 +0000 $4'),
    id_str: `88${Date.now()}${i}`, text, in_reply_to_status_id_str: null,
    user: { id_str: `5${i}00`, name: `Customer ${i}`, screen_name: `customer_${i}`, followers_count: 3, verified: false },
    entities: { hashtags: [], urls: [], user_mentions: [], symbols: [] },
  }] });
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('base64')}`;
  const res = await fetch(`${stack.hubUrl}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signature }, body });
  return res.status;
}

test.beforeAll(async ({ browser }) => {
  stack = await startOwnStack('spikes', { demoSeed: 0, env: { TEND_X_CONSUMER_SECRET: SECRET } });
  expect((await stack.control('/history', { hours: 72, per_hour: 2, text: 'where is my parcel, it was due yesterday' })).stored).toBeGreaterThan(130);
  // the hub starts again on that history: its detector warms up from it
  await stack.restartHub();
  context = await browser.newContext();
  sam = await context.newPage();
  // the desktop notification, as the browser would show it with the window in the background
  await sam.addInitScript(() => {
    // in-page code (e2e/support/page-dom.ts: the specs have no DOM types)
    const w = globalThis as unknown as { shownNotifications: Array<{ title: string; body: string }>; document: { hasFocus(): boolean }; Notification: unknown };
    const shown: Array<{ title: string; body: string }> = [];
    w.shownNotifications = shown;
    w.document.hasFocus = () => false;
    w.Notification = class RecordedNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      constructor(title: string, o: { body: string }) { shown.push({ title, body: o.body }); }
    };
  });
});

test.afterAll(async () => {
  await context?.close();
  await stack?.stop();
});

test('a burst of mentions through the signed X webhook after a normal history raises an alert on the Floor, live; keyboard opens and acknowledges it', async () => {
  await signIn(sam, stack.appUrl, 'sam@demo.tend', { hubUrl: stack.hubUrl });
  await sam.keyboard.press('Shift+F');
  const floor = sam.getByRole('region', { name: 'Floor' });
  await expect(floor.getByRole('listbox', { name: 'SLA at risk and breached' })).toBeFocused();
  await expect(floor.getByRole('listbox', { name: 'Spike alerts' })).toHaveCount(0);

  for (let i = 0; i < 20; i++) expect(await deliverX(i, `@AcmeCare the app crashes at login again, order ${i} stuck`)).toBe(200);

  // live: pushed with the floor, no reload
  const alerts = floor.getByRole('listbox', { name: 'Spike alerts' });
  const alert = alerts.getByRole('option').first();
  await expect(alert).toBeVisible();
  await expect(alert).toContainText(/^(watch|high|critical)/);
  // the burst's 20 posts may straddle two 15-minute intervals (rarely): then it has lasted 30
  await expect(alert).toContainText(/for (15|30)m/);
  await expect(alert).toContainText('grew:');
  await expect(alert.locator('.spike-terms')).toContainText('crash');
  await expect(alert.locator('.spike-example').first()).toContainText('the app crashes at login again');
  await expect.poll(() => sam.evaluate(() => (globalThis as unknown as { shownNotifications: Array<{ title: string }> }).shownNotifications.map((n) => n.title)))
    .toEqual([expect.stringMatching(/^Spike: /)]);
  await expectAccessible(sam, 'floor with a spike alert');
  await sam.screenshot({ path: join(ARTIFACTS, 'floor-spike-alert.png') });

  // keyboard: into the alerts, Enter opens the first example's conversation
  await alerts.focus();
  const example = /the app crashes at login again, order \d+ stuck/.exec(await alert.locator('.spike-example').first().innerText())![0];
  await sam.keyboard.press('Enter');
  await expect(sam.getByRole('region', { name: 'Floor' })).toHaveCount(0);
  await expect(sam.getByText(example).first()).toBeVisible();

  // back on the floor the keyboard lands in the SLA list; Shift+Tab reaches the alerts above it, `a` acknowledges; the hub keeps who and when
  await sam.keyboard.press('Shift+F');
  await expect(sam.getByRole('listbox', { name: 'SLA at risk and breached' })).toBeFocused();
  await sam.keyboard.press('Shift+Tab');
  await expect(alerts).toBeFocused();
  await sam.keyboard.press('a');
  await expect(alert).toContainText('acknowledged by Sam');
});

test('crisis mode from the alert: a banner on every desk, the holding statement first on the topic\'s conversation; off from the palette', async ({ browser }) => {
  const [burst] = await stack.read(`/messages?text=${encodeURIComponent('order 0 stuck')}`) as Array<{ conversation_id: string }>;
  const topic = (await stack.read(`/conversation?id=${burst!.conversation_id}`)).analysis.topic as string;
  expect(topic).toBeTruthy();
  const anaHost = await stack.addHost('ana');
  const anaContext = await browser.newContext();
  try {
    const ana = await anaContext.newPage();
    await signIn(ana, anaHost.appUrl, 'ana@demo.tend', { hubUrl: stack.hubUrl });
    await expect(ana.getByRole('region', { name: 'Crisis mode' })).toHaveCount(0);

    // Sam, on the alert: c, the topic, a holding statement, Ctrl+Enter
    const alerts = sam.getByRole('listbox', { name: 'Spike alerts' });
    await alerts.focus();
    await sam.keyboard.press('c');
    const dialog = sam.getByRole('dialog', { name: 'Turn crisis mode on' });
    await expect(dialog).toBeVisible();
    // the alert is about the whole workspace: the topic is asked first
    await expect(dialog.getByLabel('Topic', { exact: true })).toBeFocused();
    await sam.keyboard.type(topic);
    await sam.keyboard.press('Tab');
    await expect(dialog.getByLabel('Holding statement')).toBeFocused();
    await sam.keyboard.type('We know the app fails at login right now and are fixing it. We will update you here.');
    await sam.keyboard.press('ControlOrMeta+Enter');
    await expect(dialog).toBeHidden();

    // every desk: the banner, live
    for (const p of [sam, ana]) await expect(p.getByRole('region', { name: 'Crisis mode' })).toContainText(`Crisis mode: ${topic}`);
    await expectAccessible(ana, 'inbox with the crisis banner');
    await ana.screenshot({ path: join(ARTIFACTS, 'crisis-banner.png') });

    // the topic's conversation: the holding statement is the first canned response
    await alerts.focus();
    await sam.keyboard.press('Enter');
    const reply = sam.getByRole('textbox', { name: 'Public reply' });
    await expect(sam.getByText(/Crisis mode on .*holding statement pinned/)).toBeVisible();
    await reply.focus();
    await sam.keyboard.type(';');
    const first = sam.getByRole('listbox', { name: 'Canned responses' }).getByRole('option').first();
    await expect(first).toContainText(`Holding statement (crisis: ${topic})`);
    await sam.screenshot({ path: join(ARTIFACTS, 'crisis-holding-statement.png') });
    await sam.keyboard.press('Enter');
    await expect(reply).toHaveValue(/We know the app fails at login right now/);
    await sam.keyboard.press('ControlOrMeta+A');
    await sam.keyboard.press('Delete');

    // off from the palette: the banner goes on every desk
    await sam.keyboard.press('Escape');
    await sam.keyboard.press('ControlOrMeta+K');
    await sam.keyboard.type('Crisis mode: turn off');
    await sam.keyboard.press('Enter');
    const picker = sam.getByRole('dialog', { name: 'Turn crisis mode off' });
    await expect(picker.getByRole('option', { name: new RegExp(topic) })).toBeVisible();
    await sam.keyboard.press('Enter');
    for (const p of [sam, ana]) await expect(p.getByRole('region', { name: 'Crisis mode' })).toHaveCount(0);
  } finally {
    await anaContext.close();
    await anaHost.stop();
  }
});
