/**
 * Quality review (issue 15) from both sides, keyboard only, against the real demo hub: a customer's post arrives,
 * Ana answers it without a greeting and resolves it (through the hub's API: the desk's resolve is covered by the
 * other specs, and every path is the same mutation); the hub scores it. Sam (supervisor) opens Quality review
 * (Shift+Q), finds the conversation among the week's scored ones, reads the items beside the conversation and
 * overrides the greeting with a note (o, Enter). Ana opens My quality (Shift+Q) and reads the reviewed score and
 * the note beside the automatic one.
 * What it leaves behind: one new conversation, resolved, with its score and review (no other spec reads scores).
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { ARTIFACTS, hubApi, ingestPost, startExtraHost } from './support/stack';
import { expectAccessible } from './support/axe';
import { signIn } from './support/sign-in';

test.describe.configure({ mode: 'serial' });

type Host = Awaited<ReturnType<typeof startExtraHost>>;
let anaHost: Host;
let samHost: Host;
let ana: Page;
let sam: Page;
const marker = `qa${Date.now().toString(36)}`;
const handle = `parcel_${marker}`;
const NOTE = 'Asking for the order number first is fine on X';

const scored = (p: Page) => p.getByRole('listbox', { name: 'Scored conversations' });

/** Moves down the list to the conversation of `handle` (others may be listed above it). */
async function selectOurs(p: Page) {
  const row = scored(p).getByRole('option').filter({ hasText: handle });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  for (let i = 0; i < 500 && (await row.getAttribute('aria-selected')) !== 'true'; i++) await p.keyboard.press('j');
  await expect(row).toHaveAttribute('aria-selected', 'true');
  return row;
}

test.beforeAll(async ({ browser }) => {
  [anaHost, samHost] = await Promise.all([startExtraHost('ana-quality'), startExtraHost('sam-quality')]);
  ana = await (await browser.newContext()).newPage();
  sam = await (await browser.newContext()).newPage();
  // the conversation: a customer's post, given to Ana, answered (no greeting) and resolved by her
  const { conversation_id } = await ingestPost(`My parcel never arrived and nobody answers ${marker}`, handle);
  const boss = await hubApi('sam@demo.tend');
  const asAna = await hubApi('ana@demo.tend');
  const anaId = (await asAna('GET', '/v1/me')).agent.id as string;
  await boss('POST', '/v1/mutations', { mutations: [{ id: crypto.randomUUID(), type: 'assign', args: { conversation_id, assignee_id: anaId } }] });
  const done = await asAna('POST', '/v1/mutations', { mutations: [
    { id: crypto.randomUUID(), type: 'reply', args: { conversation_id, message_id: crypto.randomUUID(), text: `Could you send us the order number? ${marker}`, visibility: 'public' } },
    { id: crypto.randomUUID(), type: 'set_status', args: { conversation_id, status: 'resolved' } },
  ] });
  expect(done.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true]);
});
test.afterAll(async () => {
  await ana?.context().close();
  await sam?.context().close();
  await Promise.all([anaHost?.stop(), samHost?.stop()]);
});

test('a supervisor overrides an item of a resolved conversation\'s score with a note, by keyboard', async () => {
  await signIn(sam, samHost.appUrl, 'sam@demo.tend', { presenceMayBeRestored: true });
  await sam.keyboard.press('Shift+Q');
  const view = sam.getByRole('region', { name: 'Quality review' });
  await expect(scored(sam)).toBeFocused();
  // every scored conversation of the week (the sample holds a few per agent)
  await sam.keyboard.press('a');
  await expect(view.getByRole('status', { name: 'Week' })).toContainText('Every scored conversation');
  const row = await selectOurs(sam);
  await expect(row).toContainText('Ana');
  // the score's items beside the conversation
  const score = view.getByRole('region', { name: 'Score' });
  await expect(score.getByRole('listitem', { name: 'Greeting: fail' })).toContainText('no greeting in the first reply ("Could you send us the order number?');
  await expect(score.getByRole('listitem', { name: 'Tone: pass' })).toBeVisible();
  await expect(view.getByRole('region', { name: `Conversation with ${handle}` })).toContainText(`My parcel never arrived and nobody answers ${marker}`);
  await expect(score.getByRole('status', { name: 'Review' })).toHaveText('Not reviewed');
  const automatic = (await score.getByRole('heading').textContent())!.match(/Automatic (\d+) %/)![1];

  await sam.keyboard.press('o');
  const dialog = sam.getByRole('dialog', { name: 'Override an item' });
  // the first item that failed, turned to pass: Tab to the note
  await expect(dialog.getByLabel('Item')).toBeFocused();
  await expect(dialog.getByLabel('Item')).toHaveValue('greeting');
  await expect(dialog.getByLabel('Result')).toHaveValue('pass');
  await expectAccessible(sam, 'quality override');
  await sam.keyboard.press('Tab');
  await sam.keyboard.press('Tab');
  await expect(dialog.getByLabel('Note to the agent')).toBeFocused();
  // Enter without a note is refused and saves nothing
  await sam.keyboard.press('Enter');
  await expect(dialog.getByRole('alert')).toHaveText('Say why in a note: the agent reads it.');
  await sam.keyboard.type(NOTE);
  await sam.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(scored(sam)).toBeFocused();

  await expect(score.getByRole('status', { name: 'Review' })).toContainText('Reviewed by Sam');
  await expect(score.getByRole('listitem', { name: 'Greeting: fail, reviewed pass' })).toContainText(`Note: ${NOTE}`);
  // the automatic score stays as it was, the reviewed one beside it
  await expect(score.getByRole('heading')).toContainText(`Automatic ${automatic} %`);
  await expect(row).toContainText(/reviewed \d+ % by Sam/);
  await sam.screenshot({ path: join(ARTIFACTS, 'quality-review.png') });
  await expectAccessible(sam, 'quality review');
  await sam.keyboard.press('Shift+Q');
  await expect(sam.getByRole('listbox', { name: 'Conversations' })).toBeVisible();
});

test('the agent sees the reviewed score and the reviewer\'s note in My quality', async () => {
  await signIn(ana, anaHost.appUrl, 'ana@demo.tend', { presenceMayBeRestored: true });
  await ana.keyboard.press('Shift+Q');
  const view = ana.getByRole('region', { name: 'My quality' });
  await expect(scored(ana)).toBeFocused();
  const row = await selectOurs(ana);
  await expect(row).toContainText(/automatic \d+ % · reviewed \d+ % by Sam/);
  const score = view.getByRole('region', { name: 'Score' });
  await expect(score.getByRole('status', { name: 'Review' })).toContainText('Reviewed by Sam');
  await expect(score.getByRole('listitem', { name: 'Greeting: fail, reviewed pass' })).toContainText(`Note: ${NOTE}`);
  await expect(score.getByRole('listitem', { name: 'Greeting: fail, reviewed pass' })).toContainText('no greeting in the first reply');
  // an agent reviews nothing: o does nothing here
  await ana.keyboard.press('o');
  await expect(ana.getByRole('dialog', { name: 'Override an item' })).toHaveCount(0);
  await ana.screenshot({ path: join(ARTIFACTS, 'quality-mine.png') });
  await ana.keyboard.press('Shift+Q');
  await expect(ana.getByRole('listbox', { name: 'Conversations' })).toBeVisible();
});
