/**
 * Assist on the desk, keyboard only, against the real demo hub: an agent (Ana) inserts a
 * suggested reply with Alt+↓ and edits it (nothing is sent), online and with the hub down (the
 * suggestions come from her cache); asks for a handover summary with Shift+H offline; with the hub
 * down, reassigns another conversation to Ben and ends her shift (each open conversation gets a
 * summary, My shift lists them); once the hub is back Ben finds the summary at the top of the thread.
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { ARTIFACTS, hubMessages, readState, startExtraHost, startHub, stopHub } from './support/stack';
import { signIn } from './support/sign-in';

test.describe.configure({ mode: 'serial' });

type Host = Awaited<ReturnType<typeof startExtraHost>>;
let anaHost: Host, benHost: Host;
let ana: Page, ben: Page;
let handedOver = '';

const heading = (p: Page) => p.getByRole('region', { name: 'Conversation' }).getByRole('heading', { level: 1 });
const composer = (p: Page) => p.getByRole('textbox', { name: /Public reply|Private message|Internal note/ });
const suggestions = (p: Page) => p.getByRole('region', { name: 'Suggested replies' });
const summary = (p: Page) => p.getByRole('region', { name: 'Handover summary' });
const unique = (word: string) => `${word}${Date.now().toString(36)}`;

test.beforeAll(async ({ browser }) => {
  [anaHost, benHost] = await Promise.all([startExtraHost('assist-ana'), startExtraHost('assist-ben')]);
  ana = await browser.newPage();
  ben = await browser.newPage();
});
test.afterAll(async () => {
  try {
    if (readState().hubPid === null) await startHub();
  } finally {
    await ana?.close();
    await ben?.close();
    await anaHost?.stop();
    await benHost?.stop();
  }
});

/** Inserts the first suggestion with Alt+↓ and edits it; returns the inserted text. */
async function insertAndEdit(p: Page, marker: string): Promise<string> {
  await p.keyboard.press('r');
  await expect(composer(p)).toBeFocused();
  const first = suggestions(p).getByRole('button').first();
  await expect(first).toBeVisible();
  const text = (await first.textContent())!;
  await p.keyboard.press('Alt+ArrowDown');
  await expect(composer(p)).toHaveValue(text);
  await p.keyboard.type(` ${marker}`);
  await expect(composer(p)).toHaveValue(`${text} ${marker}`);
  return text;
}

test('inserts a suggested reply by key, to edit; it is never sent by itself', async () => {
  await signIn(ana, anaHost.appUrl, 'ana@demo.tend');
  await expect(heading(ana)).not.toBeEmpty();
  const marker = unique('suggested');
  const text = await insertAndEdit(ana, marker);
  expect(text.length).toBeGreaterThan(10);
  // each suggestion says where it came from
  await expect(suggestions(ana)).toContainText(/sent \d+×/);
  await ana.screenshot({ path: join(ARTIFACTS, 'assist-suggestion.png') });
  // nothing went out: no message with the marker on the hub, and the draft holds the edit
  await expect(ana.getByRole('status', { name: 'Draft state' })).toHaveText('Draft saved');
  expect(await hubMessages(marker)).toHaveLength(0);
  await ana.keyboard.press('ControlOrMeta+A');
  await ana.keyboard.press('Delete');
  await expect(composer(ana)).toHaveValue('');
  await ana.keyboard.press('Escape');
});

test('offline: suggestions come from the cache, and Shift+H keeps a handover summary as a note', async () => {
  await stopHub();
  await expect(ana.getByRole('status', { name: 'Offline' })).toBeVisible();
  await ana.keyboard.press('j');
  await insertAndEdit(ana, unique('offline'));
  await ana.keyboard.press('ControlOrMeta+A');
  await ana.keyboard.press('Delete');
  await ana.keyboard.press('Escape');
  await ana.keyboard.press('Shift+H');
  await expect(summary(ana)).toBeVisible();
  await expect(summary(ana).getByRole('listitem')).toHaveCount(3);
  await expect(summary(ana).getByRole('listitem').nth(0)).toHaveText(/^Problem: .+ — from /);
  await expect(summary(ana).getByRole('listitem').nth(2)).toHaveText(/^Open: /);
  await startHub();
  await expect(ana.getByRole('status', { name: 'Online' })).toBeVisible({ timeout: 60_000 });
  await expect(ana.getByRole('status', { name: 'Outbox 0' })).toBeVisible({ timeout: 60_000 });
});

test('offline: a conversation reassigned to Ben keeps its summary for him; ending the shift summarises each open conversation, listed in My shift', async () => {
  await ana.keyboard.press('Escape');
  const summarised = (await heading(ana).textContent())!;
  await ana.keyboard.press('j'); // not the conversation Shift+H summarised: this summary comes from the reassign alone
  await expect(heading(ana)).not.toHaveText(summarised); // the next thread is shown (its notes come with it)
  handedOver = (await heading(ana).textContent())!;
  await expect(summary(ana)).toHaveCount(0);
  await stopHub();
  await expect(ana.getByRole('status', { name: 'Offline' })).toBeVisible();
  await ana.keyboard.press('a');
  await expect(ana.getByRole('dialog', { name: /^Assign/ })).toBeVisible();
  await ana.keyboard.type('Ben');
  await ana.keyboard.press('Enter');
  await expect(ana.getByRole('status', { name: 'Announcements' })).toHaveText(/Assigned to Ben Osei/);

  await ana.keyboard.press('ControlOrMeta+K');
  await expect(ana.getByRole('combobox', { name: 'Command palette' })).toBeFocused();
  await ana.keyboard.type('End my shift');
  await ana.keyboard.press('Enter');
  await expect(ana.getByRole('status', { name: 'Announcements' })).toHaveText(/Shift ended: \d+ handover summar(y|ies) kept; the hub is not reachable/);
  const shift = ana.getByRole('dialog', { name: 'My shift' });
  await expect(shift).toBeVisible();
  const items = shift.getByRole('listitem', { name: /^Handover summary for / });
  // the list comes from a read of the cache after the dialog opens: wait for it before counting
  await expect(items.first()).toBeVisible();
  for (const item of await items.all()) {
    await expect(item).toContainText('summary kept');
    await expect(item.getByRole('listitem').nth(0)).toHaveText(/^Problem: /);
  }
  await expect(shift).not.toContainText(handedOver); // it is Ben's now
  await ana.screenshot({ path: join(ARTIFACTS, 'assist-my-shift.png') });
  await ana.keyboard.press('Escape');
  // Shift+O opens My shift again, from the cache
  await ana.keyboard.press('Shift+O');
  await expect(shift).toBeVisible();
  await ana.keyboard.press('Escape');

  await startHub();
  await expect(ana.getByRole('status', { name: 'Online' })).toBeVisible({ timeout: 60_000 });
  await expect(ana.getByRole('status', { name: 'Outbox 0' })).toBeVisible({ timeout: 60_000 });
});

test('Ben finds the handover summary at the top of the thread he was given', async () => {
  await signIn(ben, benHost.appUrl, 'ben@demo.tend');
  const list = ben.getByRole('listbox', { name: 'Conversations' });
  await expect(list.getByRole('option').first()).toBeVisible();
  // walk Ben's list by keyboard to the conversation Ana handed over
  for (let i = 0; i < 80 && (await heading(ben).textContent()) !== handedOver; i++) {
    await ben.keyboard.press('j');
    await expect(list.locator('[role="option"][aria-selected="true"]')).toHaveAttribute('data-index', String(i + 1));
  }
  await expect(heading(ben)).toHaveText(handedOver);
  await expect(summary(ben)).toBeVisible();
  await expect(summary(ben)).toContainText('by Ana');
  await expect(summary(ben).getByRole('listitem')).toHaveCount(3);
  await ben.screenshot({ path: join(ARTIFACTS, 'assist-summary.png') });
});
