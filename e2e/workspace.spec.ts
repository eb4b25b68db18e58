/**
 * A new agent's first shift, keyboard only, against the web host (real core, real demo hub).
 * Every wait is on app state (roles, names, text), never on a timer.
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { expectAccessible } from './support/axe';
import { answerPresenceAtSignIn } from './support/sign-in';
import { ARTIFACTS, hubApi, ingestPost, readState, restartHost, sandboxPosts, startHub, stopHub } from './support/stack';

test.describe.configure({ mode: 'serial' });

let page: Page;
const list = () => page.getByRole('listbox', { name: 'Conversations' });
const selectedRow = () => list().locator('[role="option"][aria-selected="true"]');
const heading = () => page.getByRole('region', { name: 'Conversation' }).getByRole('heading', { level: 1 });
const composer = () => page.getByRole('textbox', { name: /Public reply|Private message|Internal note/ });
const tab = (name: RegExp) => page.getByRole('tab', { name });
const countOf = async (name: RegExp) => Number((await tab(name).textContent())!.replace(/\D+/g, '') || '0');
const unique = (word: string) => `${word}${Date.now().toString(36)}`;

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
});
test.afterAll(async () => { await page?.context().close(); });

test('logs in with the keyboard and sees the assigned conversations', async () => {
  const s = readState();
  await page.goto(s.appUrl);
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  // Email has focus; the hub URL field comes first in the tab order.
  await expect(page.getByLabel('Email')).toBeFocused();
  await expectAccessible(page, 'sign-in');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(s.hubUrl);
  await page.keyboard.press('Tab');
  await page.keyboard.type('ana@demo.tend');
  await page.keyboard.press('Tab');
  await page.keyboard.type('demo');
  await page.keyboard.press('Enter');

  // Offline at sign-in: the desk asks for a presence (Escape stays Offline, and says so in the status bar)
  await answerPresenceAtSignIn(page);
  await expect(page.getByRole('button', { name: 'Presence Offline' })).toBeVisible();
  await expect(list()).toBeVisible();
  await expect(tab(/^Mine/)).toHaveAttribute('aria-selected', 'true');
  await expect(list().getByRole('option').first()).toBeVisible();
  // the tab counts are their own query and may land just after the first rows: wait for them, do not read once
  await expect.poll(() => countOf(/^Mine/)).toBeGreaterThan(3);
  await expect(page.getByRole('status', { name: 'Online' })).toBeVisible();
  await expect(heading()).not.toBeEmpty();
  await expect(page.getByRole('complementary', { name: 'Customer' }).getByRole('heading', { level: 2 })).toHaveText((await heading().textContent())!.split(' ')[0]!);
  await expect(list()).toBeFocused();
  await page.screenshot({ path: join(ARTIFACTS, 'workspace.png') });
  await expectAccessible(page, 'workspace');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-dark.png') });
  await expectAccessible(page, 'workspace, dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('moves with j and k', async () => {
  const first = await selectedRow().getAttribute('id');
  const firstName = await heading().textContent();
  await page.keyboard.press('j');
  await expect(selectedRow()).not.toHaveAttribute('id', first!);
  await expect(heading()).not.toHaveText(firstName!);
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  await page.keyboard.press('k');
  await expect(selectedRow()).toHaveAttribute('id', first!);
  await expect(heading()).toHaveText(firstName!);
});

test('replies with a canned response', async () => {
  await page.keyboard.press('r');
  await expect(composer()).toBeFocused();
  await page.keyboard.type(';than');
  await expect(page.getByRole('listbox', { name: 'Canned responses' })).toBeVisible();
  await expectAccessible(page, 'composer with canned responses');
  await page.keyboard.press('Tab');
  await expect(composer()).toHaveValue(/thanks for reaching out! Ana here, happy to help\./);
  const marker = unique('canned');
  await page.keyboard.type(` ${marker}`);
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(composer()).toHaveValue('');
  const sent = page.getByRole('listitem', { name: /^Reply from Ana Kowalski/ }).filter({ hasText: marker });
  await expect(sent).toBeVisible();
  await expect(sent.getByRole('status', { name: 'Delivery: sent' })).toBeVisible();
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-reply.png') });
});

test('sends and resolves, landing on the next conversation with the composer ready', async () => {
  // start from a conversation with another one below it (the reply above may have moved this one last)
  await page.keyboard.press('Escape');
  await expect(list()).toBeFocused();
  if (Number(await selectedRow().getAttribute('data-index')) >= (await countOf(/^Mine/)) - 1) {
    const last = await selectedRow().getAttribute('id');
    await page.keyboard.press('k');
    await expect(selectedRow()).not.toHaveAttribute('id', last!);
  }
  await page.keyboard.press('r');
  const resolvedBefore = await countOf(/^Resolved/);
  const current = await heading().textContent();
  const index = Number(await selectedRow().getAttribute('data-index'));
  const nextName = await list().locator(`[role="option"][data-index="${index + 1}"] .who strong`).textContent();
  await expect(composer()).toBeFocused();
  await page.keyboard.type('All sorted now, have a good day!');
  await page.keyboard.press('ControlOrMeta+Shift+Enter');
  await expect(heading()).toHaveText(new RegExp(`^${nextName!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await expect(heading()).not.toHaveText(current!);
  await expect(composer()).toBeFocused();
  await expect(composer()).toHaveValue('');
  await expect.poll(() => countOf(/^Resolved/)).toBe(resolvedBefore + 1);
});

test('search finds a message by a word', async () => {
  // A word from a real demo message in this conversation.
  const text = await page.getByRole('listitem', { name: /^Message from/ }).first().locator('.msg-text').textContent();
  const word = text!.split(/\s+/).filter((w) => /^[A-Za-z]{6,}$/.test(w)).sort((a, b) => b.length - a.length)[0]!;
  await page.keyboard.press('Escape'); // leave the composer: single keys work again
  await expect(list()).toBeFocused();
  await page.keyboard.press('j');
  await page.keyboard.press('/');
  const box = page.getByRole('combobox', { name: 'Search messages' });
  await expect(box).toBeFocused();
  await page.keyboard.type(word);
  // The newest hit for the whole word is the active one, the word highlighted (no raw [markers]).
  const hit = page.getByRole('listbox', { name: 'Search messages' }).getByRole('option', { selected: true });
  await expect(hit).toContainText(new RegExp(word, 'i'));
  await expect(hit.locator('mark').first()).toHaveText(new RegExp(`^${word}$`, 'i'));
  await expect(hit).not.toContainText('[');
  await expectAccessible(page, 'search');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Messages' }).getByText(new RegExp(word, 'i')).first()).toBeVisible();
  await expect(page.locator('#thread')).toBeFocused();
});

test('remaps a shortcut and uses it', async () => {
  await page.keyboard.press('ControlOrMeta+K');
  await expect(page.getByRole('combobox', { name: 'Command palette' })).toBeFocused();
  await page.keyboard.type('settings');
  await expect(page.getByRole('combobox', { name: 'Command palette' })).toHaveValue('settings');
  await expect(page.getByRole('option', { name: /^Settings/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings).toBeVisible();
  // the web host keeps the session token unencrypted (no secret store) and says so
  await expect(settings.getByRole('region', { name: 'About' })).toContainText('kept unencrypted in a file only your user can read (mode 0600');
  await expectAccessible(page, 'settings');
  const change = settings.getByRole('button', { name: 'Change shortcut for Resolve' });
  for (let i = 0; i < 40 && !(await change.evaluate((el) => el === el.ownerDocument.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(change).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(settings.getByRole('button', { name: 'Press the new shortcut for Resolve' })).toBeFocused();
  await page.keyboard.press('g'); // a free key (x picks conversations for a bulk action)
  await expect(settings.getByRole('status').filter({ hasText: 'Resolve: G' })).toBeVisible();
  // the keymap is Ana's, kept on the hub: any desktop she signs in on has it, nobody else's does
  const ana = await hubApi('ana@demo.tend');
  await expect.poll(async () => (await ana('GET', '/v1/account/settings')).settings.keymap?.['conversation.resolve']).toBeTruthy();
  expect((await (await hubApi('ben@demo.tend'))('GET', '/v1/account/settings')).settings.keymap).toBeUndefined();
  await page.keyboard.press('Escape');
  await expect(settings).toHaveCount(0);

  await page.keyboard.press('1'); // Mine
  await expect(list()).toBeFocused();
  const before = await countOf(/^Mine/);
  const current = await heading().textContent();
  await page.keyboard.press('e'); // no longer Resolve
  await page.keyboard.press('g');
  await expect(heading()).not.toHaveText(current!);
  await expect.poll(() => countOf(/^Mine/)).toBe(before - 1);
});

test('warns before personal data goes out in public', async () => {
  await page.keyboard.press('r');
  await expect(composer()).toBeFocused();
  await page.keyboard.type('Write to me at maria.k@example.com and I will check');
  await expect(page.getByText('This public reply contains an e-mail address.').first()).toBeVisible();
  await page.keyboard.press('ControlOrMeta+Enter');
  const warning = page.getByRole('alertdialog', { name: 'Personal data in a public reply' });
  await expect(warning).toBeVisible();
  await expectAccessible(page, 'personal data warning');
  await expect(warning.getByRole('button', { name: 'Edit reply' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(warning).toHaveCount(0);
  // Nothing was sent: the text is still in the composer, which has the focus back.
  await expect(composer()).toBeFocused();
  await expect(composer()).toHaveValue(/maria\.k@example\.com/);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await expect(composer()).toHaveValue('');
});

test('replies offline, shows the outbox, delivers once when the hub is back', async () => {
  await stopHub();
  await expect(page.getByRole('status', { name: 'Offline' })).toBeVisible();
  const marker = unique('offline');
  await page.keyboard.press('r');
  await expect(composer()).toBeFocused();
  await page.keyboard.type(`Sorry for the wait, we are on it ${marker}`);
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(page.getByRole('status', { name: 'Outbox 1' })).toBeVisible();
  const reply = page.getByRole('listitem', { name: /^Reply from/ }).filter({ hasText: marker });
  await expect(reply.getByRole('status', { name: 'Delivery: waiting (offline)' })).toBeVisible();
  await expectAccessible(page, 'offline with the outbox');

  await startHub();
  await expect(page.getByRole('status', { name: 'Online' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('status', { name: 'Outbox 0' })).toBeVisible({ timeout: 60_000 });
  await expect(reply.getByRole('status', { name: 'Delivery: sent' })).toBeVisible({ timeout: 60_000 });
  const posts = await sandboxPosts(marker);
  expect(posts).toHaveLength(1);
});

test('finds the draft after the app restarts mid-draft', async () => {
  const name = await heading().textContent();
  const marker = unique('draft');
  await expect(composer()).toBeFocused();
  await page.keyboard.type(`Half-written answer ${marker}`);
  await expect(page.getByRole('status', { name: 'Draft state' })).toHaveText('Draft saved');

  const s = await restartHost();
  await page.goto(s.appUrl);
  await expect(list()).toBeVisible();
  // Walk the list by keyboard to the conversation we were in.
  for (let i = 0; i < 60 && (await heading().textContent()) !== name; i++) {
    await page.keyboard.press('j');
    await expect(selectedRow()).toHaveAttribute('data-index', String(i + 1));
  }
  await expect(heading()).toHaveText(name!);
  await page.keyboard.press('r');
  await expect(composer()).toBeFocused();
  await expect(composer()).toHaveValue(`Half-written answer ${marker}`);
});

test('edits a customer\'s tags and notes, merges the profile the hub suggests, and undoes the merge (issue 13, item 9)', async () => {
  // two new X profiles that gave the same e-mail address: one person
  const marker = unique('twin');
  const mail = `${marker}@example.com`;
  await ingestPost(`Order ref${marker} never came, write to me at ${mail} please`, `${marker}_a`);
  await ingestPost(`Same person here, from my other account: ${mail}`, `${marker}_b`);
  await page.keyboard.press('Escape');
  await expect(list()).toBeFocused();
  await page.keyboard.press('/');
  await page.keyboard.type(`ref${marker}`);
  await expect(page.getByRole('listbox', { name: 'Search messages' }).getByRole('option', { selected: true })).toContainText(`${marker}_a`, { timeout: 30_000 });
  await page.keyboard.press('Enter');
  const card = page.getByRole('complementary', { name: 'Customer' });
  await expect(card.getByRole('heading', { level: 2 })).toHaveText(`${marker}_a`);
  await page.keyboard.press('Escape');

  // Shift+C: tags and notes
  await page.keyboard.press('Shift+C');
  const edit = page.getByRole('dialog', { name: `Edit ${marker}_a` });
  await expect(edit.getByRole('textbox', { name: /Tags/ })).toBeFocused();
  await page.keyboard.type('#late-delivery');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Asked twice about the order');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(edit).toHaveCount(0);
  await expect(card).toContainText('#late-delivery');
  await expect(card.getByRole('region', { name: 'Customer notes' })).toHaveText(/Asked twice about the order/);

  // Shift+D: the other profile, with why; Enter, then Enter on the confirmation
  await page.keyboard.press('Shift+D');
  const picker = page.getByRole('dialog', { name: `Merge another profile into ${marker}_a` });
  await expect(picker.getByRole('option', { name: new RegExp(`${marker}_b`) })).toContainText(`same e-mail ${mail}`, { timeout: 30_000 });
  await expectAccessible(page, 'merge suggestions');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: `Merge ${marker}_b into ${marker}_a?` })).toBeVisible();
  await page.keyboard.press('Enter');
  const handles = card.getByRole('list', { name: 'Handles' });
  await expect(handles).toContainText(`${marker}_b`, { timeout: 30_000 });
  const merged = card.getByRole('region', { name: 'Merged profiles' });
  await expect(merged).toContainText(`${marker}_b`);
  await expect(card.getByRole('region', { name: 'Past conversations' })).toContainText('other account');

  // the undo, from the card by keyboard
  await merged.getByRole('button', { name: `Undo the merge of ${marker}_b` }).focus();
  await page.keyboard.press('Enter');
  await expect(handles).not.toContainText(`${marker}_b`, { timeout: 30_000 });
  await expect(merged).toHaveCount(0);
  await expect(card).toContainText('#late-delivery');
});
