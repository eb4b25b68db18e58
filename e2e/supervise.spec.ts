/**
 * Issues 4–6 on the desktop, keyboard only, against the real demo hub: an agent (Ben) corrects
 * a label and sets his presence; a supervisor (Sam) opens the Floor, changes a priority and
 * messages Ben. Each has their own desktop (web host + core). Waits are on roles and text.
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { ARTIFACTS, hubConversation, hubMessages, startExtraHost } from './support/stack';
import { expectAccessible } from './support/axe';
import { signIn } from './support/sign-in';

test.describe.configure({ mode: 'serial' });

type Host = Awaited<ReturnType<typeof startExtraHost>>;
let benHost: Host;
let samHost: Host;
let ben: Page;
let sam: Page;

const list = (p: Page) => p.getByRole('listbox', { name: 'Conversations' });

test.beforeAll(async ({ browser }) => {
  [benHost, samHost] = await Promise.all([startExtraHost('ben'), startExtraHost('sam')]);
  ben = await (await browser.newContext()).newPage();
  sam = await (await browser.newContext()).newPage();
});
test.afterAll(async () => {
  await ben?.context().close();
  await sam?.context().close();
  await Promise.all([benHost?.stop(), samHost?.stop()]);
});

test('an agent corrects a label with one key; the hub keeps the correction', async () => {
  await signIn(ben, benHost.appUrl, 'ben@demo.tend');
  const row = list(ben).locator('[role="option"][aria-selected="true"]');
  await expect(row).toBeVisible();
  await expect(list(ben)).toBeFocused();
  const id = (await row.getAttribute('id'))!.replace(/^row-/, '');
  const before = (await hubConversation(id))?.analysis?.sentiment?.label;
  const target = before === 'negative' ? 'positive' : 'negative';

  await ben.keyboard.press('l');
  await expect(ben.getByRole('dialog', { name: 'Correct which label' })).toBeVisible();
  await ben.keyboard.press('1'); // sentiment
  await expect(ben.getByRole('dialog', { name: 'Correct sentiment' })).toBeVisible();
  await expectAccessible(ben, 'label correction');
  await ben.keyboard.press(target === 'positive' ? '1' : '3');

  const analysis = ben.getByRole('region', { name: 'Conversation' }).getByRole('group', { name: 'Analysis' });
  await expect(analysis.getByLabel(/^Sentiment /)).toContainText(target);
  await expect(row).toHaveAttribute('aria-label', new RegExp(target));
  // Synced: the hub's own row says so, with the agent's name on the correction.
  await expect.poll(async () => (await hubConversation(id))?.analysis?.sentiment?.label).toBe(target);

  // w: why the analysis says what it says
  await ben.keyboard.press('w');
  await expect(ben.getByRole('dialog', { name: 'Why this analysis' })).toContainText(target);
  await ben.keyboard.press('Escape');
  await expect(list(ben)).toBeFocused();
});

test('an agent sets presence by keyboard', async () => {
  await ben.keyboard.press('Shift+S');
  const picker = ben.getByRole('dialog', { name: 'Set my presence' });
  await expect(picker.getByRole('option', { name: /Break/ })).toBeVisible();
  await ben.keyboard.type('Break');
  await ben.keyboard.press('Enter');
  await expect(ben.getByRole('button', { name: 'Presence Break' })).toBeVisible();

  // Shift+M: the agent's own figures, from the hub
  await ben.keyboard.press('Shift+M');
  const figures = ben.getByRole('dialog', { name: 'My figures' });
  await expect(figures.getByRole('row', { name: /^Conversations \d+$/ })).toBeVisible();
  await expectAccessible(ben, 'my figures');
  await ben.keyboard.press('Escape');
  await expect(figures).toBeHidden();
});

test('a supervisor opens the Floor, sees queue depth, and changes a priority by keyboard', async () => {
  await signIn(sam, samHost.appUrl, 'sam@demo.tend');
  await sam.keyboard.press('Shift+F');
  const floor = sam.getByRole('region', { name: 'Floor' });
  await expect(floor.getByRole('status', { name: /^Queue depth \d+$/ })).toBeVisible();
  await expect(floor.getByRole('table', { name: 'Queues' })).toBeVisible();
  await sam.screenshot({ path: join(ARTIFACTS, 'floor.png') });
  await expectAccessible(sam, 'floor');

  const sla = floor.getByRole('listbox', { name: 'SLA at risk and breached' });
  await expect(sla).toBeFocused();
  const active = sla.locator('[role="option"][aria-selected="true"]');
  await expect(active).toBeVisible();
  const id = (await active.getAttribute('id'))!.replace(/^sla-at-risk-and-breached-/, '');
  const before = (await hubConversation(id))!.priority;
  const target = before === 'urgent' ? 'high' : 'urgent';

  await sam.keyboard.press('p');
  await expect(sam.getByRole('dialog', { name: 'Set priority' })).toBeVisible();
  await sam.keyboard.press(target === 'urgent' ? '4' : '3');
  await expect.poll(async () => (await hubConversation(id))?.priority).toBe(target);
  // The floor follows (pushed by the hub, or re-read after the change).
  await expect(floor.locator(`[id="sla-at-risk-and-breached-${id}"]`)).toContainText(target);

  // a: reassign the conversation under the cursor to Ben, who is on Break: the desk asks first
  await expect(sla).toBeFocused();
  const other = (await active.getAttribute('id'))!.replace(/^sla-at-risk-and-breached-/, '');
  await sam.keyboard.press('a');
  const picker = sam.getByRole('dialog', { name: /^Reassign/ });
  await expect(picker).toBeVisible();
  await expect(picker.getByRole('option', { name: /^Ben Osei/ })).toContainText(/Break · \d+\/\d+/);
  await sam.keyboard.type('Ben');
  await sam.keyboard.press('Enter');
  const confirm = sam.getByRole('dialog', { name: /^Ben Osei is on Break.*Assign anyway\?$/ });
  await expect(confirm).toBeVisible();
  expect((await hubConversation(other))?.assignee_id).not.toBe('agent-ben');
  await sam.keyboard.press('Enter');
  await expect.poll(async () => (await hubConversation(other))?.assignee_id).toBe('agent-ben');
  await expect(floor.locator(`[id="sla-at-risk-and-breached-${other}"]`)).toContainText('Ben Osei');
});

test('a supervisor sees an agent on the floor and messages them', async () => {
  const floor = sam.getByRole('region', { name: 'Floor' });
  const sla = floor.getByRole('listbox', { name: 'SLA at risk and breached' });
  await expect(sla).toBeFocused();
  await sam.keyboard.press('Tab');
  const agents = floor.getByRole('listbox', { name: 'Agents' });
  await expect(agents).toBeFocused();
  const benRow = agents.getByRole('option', { name: /^Ben Osei/ });
  await expect(benRow).toContainText(/break/i);
  for (let i = 0; i < 10 && (await benRow.getAttribute('aria-selected')) !== 'true'; i++) await sam.keyboard.press('j');
  await expect(benRow).toHaveAttribute('aria-selected', 'true');

  await sam.keyboard.press('m');
  await expect(sam.getByRole('dialog', { name: 'Message Ben Osei' })).toBeVisible();
  await expectAccessible(sam, 'message an agent');
  await sam.keyboard.type('Please take the refund backlog');
  await sam.keyboard.press('Enter');
  await expect(sam.getByRole('status').filter({ hasText: 'Message sent to Ben Osei' })).toBeVisible();
  const note = ben.getByRole('alertdialog', { name: 'Message from Sam Rivera' });
  await expect(note).toContainText('Please take the refund backlog');
  await expectAccessible(ben, 'message from a supervisor');
  await ben.keyboard.press('Enter');
  await expect(note).toBeHidden();
});

test('collision: one sees the other typing, and a reply over it is held until confirmed by key', async () => {
  const composer = (p: Page) => p.getByRole('textbox', { name: /Public reply|Private message|Internal note/ });
  const selectedId = async (p: Page) => (await list(p).locator('[role="option"][aria-selected="true"]').getAttribute('id'))!.replace(/^row-/, '');
  // Ben: a public conversation in the team queue, and he starts typing a reply.
  await ben.keyboard.press('2');
  await expect(ben.getByRole('tab', { name: /^Team queue/ })).toHaveAttribute('aria-selected', 'true');
  await expect(list(ben).locator('[role="option"][aria-selected="true"]')).toBeVisible();
  for (let i = 0; i < 20 && (await composer(ben).getAttribute('aria-label')) !== 'Public reply'; i++) await ben.keyboard.press('j');
  await expect(composer(ben)).toHaveAttribute('aria-label', 'Public reply');
  const id = await selectedId(ben);

  // Sam: back to the inbox, the same conversation in the team queue.
  await sam.keyboard.press('Shift+F');
  await expect(list(sam)).toBeVisible();
  await sam.keyboard.press('2');
  await expect(sam.getByRole('tab', { name: /^Team queue/ })).toHaveAttribute('aria-selected', 'true');
  await expect(list(sam).locator('[role="option"][aria-selected="true"]')).toBeVisible();
  for (let i = 0; i < 60 && (await selectedId(sam)) !== id; i++) await sam.keyboard.press('j');
  expect(await selectedId(sam)).toBe(id);
  const others = sam.getByRole('status', { name: 'Others on this conversation' });
  await expect(others).toContainText('Ben Osei is viewing');

  await ben.keyboard.press('r');
  await expect(composer(ben)).toBeFocused();
  await ben.keyboard.type('Looking into this for you');
  await expect(others).toContainText('Ben Osei is typing');

  // Sam replies over Ben's claim: the hub holds it back and the draft returns with the warning.
  const text = `We are on it ${Date.now().toString(36)}`;
  await sam.keyboard.press('r');
  await expect(composer(sam)).toBeFocused();
  await sam.keyboard.type(text);
  await sam.keyboard.press('ControlOrMeta+Enter');
  const warning = sam.getByRole('alert', { name: 'Collision warning' });
  await expect(warning).toContainText('Ben Osei is writing a reply');
  await expect(composer(sam)).toHaveValue(text);
  expect(await hubMessages(text)).toEqual([]);
  // Confirmed by key: sent once.
  await sam.keyboard.press('ControlOrMeta+Enter');
  await expect(warning).toBeHidden();
  await expect.poll(async () => (await hubMessages(text)).length).toBe(1);
});

test('push offers wait in a tray that does not take the focus; Shift+A accepts the first', async () => {
  await sam.keyboard.press('Escape');
  await expect(list(sam)).toBeFocused();
  await sam.keyboard.press('Shift+S');
  await expect(sam.getByRole('dialog', { name: 'Set my presence' }).getByRole('option', { name: /Available/ })).toBeVisible();
  await sam.keyboard.type('Available');
  await sam.keyboard.press('Enter');
  await expect(sam.getByRole('button', { name: 'Presence Available' })).toBeVisible();

  const tray = sam.getByRole('region', { name: 'Offers' });
  const offer = tray.getByRole('listitem').first();
  await expect(offer.getByRole('timer', { name: /^\d+ seconds left$/ })).toBeVisible();
  await expect(list(sam)).toBeFocused();
  await expect(sam).toHaveTitle(/^\(\d+\) Tend · \d+ offers?( · \d+ unread)?$/);
  await expectAccessible(sam, 'offer tray');
  const who = offer.locator('.offer-who');
  await expect(who).not.toHaveText('A customer');
  const name = (await who.textContent())!;
  await sam.keyboard.press('Shift+A');
  await expect(sam.getByRole('status').filter({ hasText: 'Offer accepted' })).toBeVisible();
  await expect(sam.getByRole('tab', { name: /^Mine/ })).toHaveAttribute('aria-selected', 'true');
  await expect(sam.getByRole('region', { name: 'Conversation' }).getByRole('heading', { level: 1 })).toContainText(name);
  const row = list(sam).locator('[role="option"][aria-selected="true"]');
  await expect(row).toBeVisible();
  const id = (await row.getAttribute('id'))!.replace(/^row-/, '');
  await expect.poll(async () => (await hubConversation(id))?.assignee_id).toBe('agent-sam');
});
