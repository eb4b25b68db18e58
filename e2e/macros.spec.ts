/**
 * Macros and bulk actions (issue 15), by keyboard, on a desktop of its own on the demo hub, as Ben:
 * a macro made in the app, run by its key on a conversation after its preview, undone within its
 * window (nothing reaches the hub), run again and sent once; a bulk resolve of several selected
 * conversations made offline (the hub stopped), one of them taken by someone else meanwhile, whose
 * summary says what applied and what was refused and why, applied once when the hub is back.
 * Every wait is on app state, never on a timer.
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { expectAccessible } from './support/axe';
import { signIn } from './support/sign-in';
import { ARTIFACTS, hubApi, hubConversation, hubMessages, ingestPost, readState, sandboxPosts, startExtraHost, startHub, stopHub } from './support/stack';

test.describe.configure({ mode: 'serial' });

let page: Page;
let host: Awaited<ReturnType<typeof startExtraHost>> | undefined;
let sam: Awaited<ReturnType<typeof hubApi>>;
let ben: Awaited<ReturnType<typeof hubApi>>;
const stamp = Date.now().toString(36);
const list = () => page.getByRole('listbox', { name: 'Conversations' });
const toasts = () => page.getByRole('status', { name: 'Announcements' });

/** Posts that Sam (a supervisor) gives Ben, each tagged so a filter shows exactly them. */
async function postsForBen(n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const { conversation_id } = await ingestPost(`Where is my order ${tag}-${i}?`, `@${tag}${i}`);
    await sam('POST', '/v1/mutations', { mutations: [
      { id: crypto.randomUUID(), type: 'assign', args: { conversation_id, assignee_id: 'agent-ben' } },
      { id: crypto.randomUUID(), type: 'tag', args: { conversation_id, add: [tag] } },
    ] });
    ids.push(conversation_id);
  }
  return ids;
}

/** f, a tag, Enter: Mine shows only the conversations with it. */
async function filterByTag(tag: string, count: number): Promise<void> {
  await page.keyboard.press('1');
  await page.keyboard.press('f');
  await page.keyboard.type(tag);
  await page.getByRole('dialog', { name: 'Filter the queue' }).getByRole('option', { name: `Tag: #${tag}` }).waitFor();
  await page.keyboard.press('Enter');
  await expect(list().getByRole('option')).toHaveCount(count);
  await expect(list()).toBeFocused();
}

test.beforeAll(async ({ browser }) => {
  if (readState().hubPid === null) await startHub();
  sam = await hubApi('sam@demo.tend');
  ben = await hubApi('ben@demo.tend');
  host = await startExtraHost('macros');
  page = await (await browser.newContext()).newPage();
});
test.afterAll(async () => {
  if (readState().hubPid === null) await startHub();
  await page?.context().close();
  await host?.stop();
});

test('a macro made in the app runs by its key after a preview; undo takes it back before anything is sent; run again, its reply is sent once', async () => {
  const marker = `mac${stamp}`;
  await ben('POST', '/v1/canned', { shortcode: `mk${stamp}`, title: 'Thanks with marker', text: `Thanks {{customer.first_name}}, sorted ${marker}`, scope: 'personal' });
  const [conv] = await postsForBen(1, `one${stamp}`);
  await signIn(page, host!.appUrl, 'ben@demo.tend', { presenceMayBeRestored: true });

  // made in the app: Administration: Macros, n, a name, a key, two steps
  await page.keyboard.press('ControlOrMeta+K');
  await page.keyboard.type('Administration: Macros');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Macros' })).toBeVisible();
  await expect(page.getByRole('listbox', { name: 'Macros' })).toBeFocused();
  await page.keyboard.press('n');
  const form = page.getByRole('dialog', { name: 'New macro' });
  await expect(form.getByLabel('Name')).toBeFocused();
  await page.keyboard.type(`Sorted ${stamp}`);
  await form.getByLabel('Key', { exact: true }).fill('$mod+1');
  await form.getByLabel('Step 1 canned response').selectOption(`mk${stamp}`);
  await form.getByLabel('Step 2 kind').selectOption('tag');
  await form.getByLabel('Step 2 tags to add').fill(`sorted${stamp}`);
  await form.getByLabel('Name').focus();
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(form).toBeHidden();
  await expect(page.getByRole('listbox', { name: 'Macros' }).getByRole('option', { name: new RegExp(`^Sorted ${stamp}, your own, key Ctrl\\+1`) })).toBeVisible();
  await page.keyboard.press('ControlOrMeta+K');
  await page.keyboard.type('Administration: teams, people');
  await page.keyboard.press('Enter');
  await expect(list()).toBeVisible();
  await filterByTag(`one${stamp}`, 1);

  // its key: the preview says what each step will do on this conversation; Enter runs it
  await page.keyboard.press('Control+1');
  const preview = page.getByRole('dialog', { name: `Preview: Sorted ${stamp}` });
  await expect(preview.getByRole('list', { name: 'What will happen' })).toContainText(`Reply in public: “Thanks one${stamp}0, sorted ${marker}”`);
  await expect(preview).toContainText(`Tags: +sorted${stamp}`);
  await expectAccessible(page, 'macro preview');
  await page.screenshot({ path: join(ARTIFACTS, 'macro-preview.png') });
  await page.keyboard.press('Enter');
  await expect(preview).toBeHidden();
  await expect(toasts()).toContainText(`Sorted ${stamp}: done · u undoes it`);
  const thread = page.getByRole('region', { name: 'Conversation', exact: true });
  await expect(thread).toContainText(marker);

  // u within the window: the reply and the tag are gone, and the hub never had them
  await page.keyboard.press('u');
  await expect(toasts()).toContainText(`Undone: Sorted ${stamp}`);
  await expect(thread).not.toContainText(marker);
  expect(await hubMessages(marker)).toHaveLength(0);

  // again, and let the window close: sent once
  await page.keyboard.press('Control+1');
  // Enter runs it once the preview is in (before, the Run button is not ready): wait for it as the agent reads it
  await expect(preview.getByRole('list', { name: 'What will happen' })).toContainText(marker);
  await page.keyboard.press('Enter');
  await expect(preview).toBeHidden();
  await expect.poll(async () => (await hubMessages(marker)).length, { timeout: 30_000 }).toBe(1);
  await expect.poll(async () => (await sandboxPosts(marker)).length, { timeout: 30_000 }).toBe(1);
  // too late to undo now: the desk says so
  await page.keyboard.press('u');
  await expect(toasts()).toContainText('too late to undo');
  expect((await hubConversation(conv!))?.id).toBe(conv);
});

test('a bulk resolve of selected conversations, made offline, one taken by Sam meanwhile: the summary says what applied and what was refused, applied once when the hub is back', async () => {
  const tag = `bulk${stamp}`;
  const ids = await postsForBen(3, tag);
  await filterByTag(tag, 3);
  // x picks the first, Shift+J extends down twice
  await page.keyboard.press('x');
  await page.keyboard.press('Shift+J');
  await page.keyboard.press('Shift+J');
  await expect(page.getByRole('status', { name: 'Selection' })).toHaveText(/^3 selected/);
  await expect(list().locator('[data-checked="true"]')).toHaveCount(3);

  // the last one is Ana's now: it leaves Ben's list, and stays in his selection
  const selected = await list().getByRole('option').evaluateAll((els) => els.map((e) => e.id.replace(/^row-/, '')));
  const taken = selected[2]!;
  await sam('POST', '/v1/mutations', { mutations: [{ id: crypto.randomUUID(), type: 'assign', args: { conversation_id: taken, assignee_id: 'agent-ana' } }] });
  await expect(list().getByRole('option')).toHaveCount(2);

  await stopHub();
  await expect(page.getByRole('status', { name: 'Offline' })).toBeVisible();
  await page.keyboard.press('b');
  const menu = page.getByRole('dialog', { name: 'Bulk action on 3 conversations' });
  await expect(menu).toBeVisible();
  await page.keyboard.press('e');
  const preview = page.getByRole('dialog', { name: 'Preview: Resolve' });
  await expect(preview).toContainText('Refused:');
  await expect(preview.getByRole('status')).toHaveText('1 of 3 will not change: the others will.');
  await page.keyboard.press('Enter');
  const summary = page.getByRole('dialog', { name: 'Summary: Resolve' });
  await expect(summary.getByRole('status', { name: 'Run summary' })).toContainText('0 applied · 2 waiting · 1 refused');
  await expect(summary.getByRole('list', { name: 'Conversations' })).toContainText('refused (');
  await expectAccessible(page, 'bulk summary offline');
  await page.screenshot({ path: join(ARTIFACTS, 'bulk-summary-offline.png') });

  await startHub();
  await expect(summary.getByRole('status', { name: 'Run summary' })).toContainText('2 applied · 0 waiting · 1 refused', { timeout: 60_000 });
  for (const id of ids.filter((x) => x !== taken)) expect((await hubConversation(id))?.status).toBe('resolved');
  expect((await hubConversation(taken))).toMatchObject({ status: 'open', assignee_id: 'agent-ana' });
  await page.keyboard.press('Escape');
  await expect(summary).toBeHidden();
});
