/**
 * Running a care team without curl (issue 12), keyboard only, against the real demo hub: an admin
 * opens each administration screen from the palette, changes something, and the hub's API shows
 * the change. New people get in with a temporary password or a one-time sign-up link. Every screen
 * is screenshot in light and dark under e2e/artifacts/ and checked by axe.
 */
import { expect, test, type Page } from '@playwright/test';
import { adminSession, openScreen, shoot, type HubApi } from './support/admin-screens';
import { answerPresenceAtSignIn, signIn } from './support/sign-in';
import { ingestPost, readState, startExtraHost } from './support/stack';

test.describe.configure({ mode: 'serial' });

let page: Page;
let admin: HubApi;
adminSession('admin', (s) => ({ page, admin } = s));
const unique = (word: string) => `${word} ${Date.now().toString(36)}`;

/** Moves the list's selection with `key` (j or k) until the option named `name` is selected. */
async function moveTo(p: Page, list: ReturnType<Page['getByRole']>, name: RegExp, key: 'j' | 'k'): Promise<void> {
  const target = list.getByRole('option', { name, selected: true });
  // keys pressed before the list has the focus and its rows are lost: wait for both first
  await expect(list).toBeFocused();
  await expect(list.getByRole('option', { name })).toHaveCount(1);
  for (let i = 0; i < 60 && (await target.count()) === 0; i++) await p.keyboard.press(key);
  await expect(target).toHaveCount(1);
}

test('teams and departments: the five destinations, a new department created and renamed by keyboard', async () => {
  await openScreen(page, 'Teams and departments');
  const list = page.getByRole('listbox', { name: 'Teams and departments' });
  await expect(list).toBeFocused();
  for (const name of ['Care', 'Product quality', 'Store operations', 'Product management', 'Loyalty']) {
    await expect(list.getByRole('option', { name: new RegExp(`^${name},`) })).toBeVisible();
  }
  await shoot(page, 'teams');

  const name = unique('Returns desk');
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: 'New team or department' });
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown'); // Kind: department
  await expect(dialog.getByRole('radio', { name: /Department/ })).toBeChecked();
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(dialog).toBeHidden();
  await expect.poll(async () => (await admin('GET', '/v1/admin/teams')).teams.find((t: { name: string }) => t.name === name)?.kind).toBe('department');
  const created = list.getByRole('option', { name: new RegExp(`^${name}, department`) });
  await expect(created).toBeVisible();

  // to it with j, Enter renames
  await expect(list).toBeFocused();
  for (let i = 0; i < 20 && (await created.getAttribute('aria-selected')) !== 'true'; i++) await page.keyboard.press('j');
  await expect(created).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  const rename = page.getByRole('dialog', { name: `Rename ${name}` });
  await expect(rename.getByLabel('Name')).toBeFocused();
  await page.keyboard.type(`${name} and exchanges`);
  await page.keyboard.press('Enter');
  await expect(rename).toBeHidden();
  await expect.poll(async () => (await admin('GET', '/v1/admin/teams')).teams.some((t: { name: string }) => t.name === `${name} and exchanges`)).toBe(true);

  // a and it is archived (nothing uses it); the hub says so
  await expect(list).toBeFocused();
  await page.keyboard.press('a');
  await expect.poll(async () => (await admin('GET', '/v1/admin/teams')).teams.find((t: { name: string }) => t.name === `${name} and exchanges`)?.archived).toBe(true);
  // Care has work and rules: archiving it is refused with the reasons, and it stays
  await moveTo(page, list, /^Care,/, 'k');
  await page.keyboard.press('a');
  await expect(page.getByRole('region', { name: 'Teams and departments' }).getByRole('alert')).toContainText('cannot be archived');
  expect((await admin('GET', '/v1/admin/teams')).teams.find((t: { name: string }) => t.name === 'Care').archived).toBe(false);
});

test('people: an admin adds an agent with a temporary password; the agent must choose their own at first sign-in', async ({ browser }) => {
  await openScreen(page, 'People');
  const list = page.getByRole('listbox', { name: 'People' });
  await expect(list).toBeFocused();
  await expect(list.getByRole('option', { name: /^Ana Kowalski, agent, ana@demo.tend/ })).toBeVisible();
  await shoot(page, 'people');

  const email = `dana.${Date.now().toString(36)}@demo.tend`;
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: 'Add a person' });
  await expect(dialog.getByLabel('E-mail')).toBeFocused();
  await page.keyboard.type(email);
  await dialog.getByLabel('Name').focus();
  await page.keyboard.type('Dana Novak');
  await dialog.getByRole('checkbox', { name: /^Care/ }).focus();
  await page.keyboard.press('Space');
  await dialog.getByLabel('Languages and level (1–10)').focus();
  await page.keyboard.type('en 9, pl 7');
  await dialog.getByLabel('Capacity per channel').focus();
  await page.keyboard.type('x 4, * 2');
  await dialog.getByRole('radio', { name: /temporary password/ }).focus();
  await page.keyboard.press('Space');
  await dialog.getByLabel('Temporary password (8 characters or more)').focus();
  await page.keyboard.type('first-day-pass');
  await shoot(page, 'people-add');
  await page.keyboard.press('ControlOrMeta+Enter');
  const handover = page.getByRole('dialog', { name: 'Access for Dana Novak' });
  await expect(handover).toContainText('temporary password');
  await page.keyboard.press('Enter');

  const onHub = async () => (await admin('GET', '/v1/admin/agents')).agents.find((a: { email: string }) => a.email === email);
  await expect.poll(async () => (await onHub())?.must_change_password).toBe(true);
  const dana = await onHub();
  expect(dana).toMatchObject({ name: 'Dana Novak', role: 'agent', languages: { en: 9, pl: 7 }, capacity: { x: 4, '*': 2 }, team_ids: ['team-care'] });

  // Dana's first sign-in: the temporary password opens only the form that replaces it
  const danaHost = await startExtraHost('dana');
  const p = await (await browser.newContext()).newPage();
  try {
    await p.goto(danaHost.appUrl);
    await p.getByLabel('Hub URL').fill(readState().hubUrl);
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill('first-day-pass');
    await p.keyboard.press('Enter');
    const form = p.getByRole('form', { name: 'Choose your password' });
    await expect(form).toBeVisible();
    await expect(form.getByLabel('Temporary password')).toBeFocused();
    await shoot(p, 'choose-password');
    await p.keyboard.type('first-day-pass');
    await p.keyboard.press('Tab');
    await p.keyboard.type('dana has her own');
    await p.keyboard.press('Tab');
    await p.keyboard.type('dana has her own');
    await p.keyboard.press('Enter');
    await answerPresenceAtSignIn(p);
    await expect(p.getByRole('listbox', { name: 'Conversations' })).toBeVisible();
    await expect.poll(async () => (await onHub())?.must_change_password).toBe(false);
  } finally {
    await p.context().close();
    await danaHost.stop();
  }
});

test('people: a one-time sign-up link; the invited person joins with it and chooses a password', async ({ browser }) => {
  const list = page.getByRole('listbox', { name: 'People' });
  await list.focus();
  const email = `eli.${Date.now().toString(36)}@demo.tend`;
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: 'Add a person' });
  await page.keyboard.type(email);
  await dialog.getByLabel('Name').focus();
  await page.keyboard.type('Eli Moreau');
  await page.keyboard.press('ControlOrMeta+Enter');
  const handover = page.getByRole('dialog', { name: 'Access for Eli Moreau' });
  const linkField = handover.getByLabel('Sign-up link');
  await expect(linkField).toBeFocused();
  const link = await linkField.inputValue();
  expect(link).toMatch(/\/join#\S{20,}$/);
  await shoot(page, 'people-invite');
  await page.keyboard.press('Escape');
  await expect(list.getByRole('option', { name: /^Eli Moreau, .*invited, not signed up yet/ })).toBeVisible();

  const eliHost = await startExtraHost('eli');
  const p = await (await browser.newContext()).newPage();
  try {
    await p.goto(eliHost.appUrl);
    await p.getByRole('button', { name: 'I have a sign-up link' }).click();
    const join = p.getByRole('form', { name: 'Join with a sign-up link' });
    await expect(join.getByLabel('Sign-up link')).toBeFocused();
    await p.keyboard.type(link);
    await p.keyboard.press('Tab');
    await p.keyboard.type('eli chose this');
    await p.keyboard.press('Tab');
    await p.keyboard.type('eli chose this');
    await p.keyboard.press('Enter');
    await answerPresenceAtSignIn(p);
    await expect(p.getByRole('listbox', { name: 'Conversations' })).toBeVisible();
  } finally {
    await p.context().close();
    await eliHost.stop();
  }
  await expect.poll(async () => (await admin('GET', '/v1/admin/agents')).agents.find((a: { email: string }) => a.email === email)?.invite_pending).toBe(false);
});

test("a supervisor sees the people and changes an agent's languages, not their role", async ({ browser }) => {
  const samHost = await startExtraHost('sam-admin');
  const p = await (await browser.newContext()).newPage();
  try {
    await signIn(p, samHost.appUrl, 'sam@demo.tend');
    await openScreen(p, 'People');
    await expect(p.getByRole('button', { name: /Add a person/ })).toHaveCount(0);
    const list = p.getByRole('listbox', { name: 'People' });
    await moveTo(p, list, /^Ben Osei,/, 'j');
    await p.keyboard.press('Enter');
    const dialog = p.getByRole('dialog', { name: 'Edit Ben Osei' });
    await expect(dialog.getByLabel('Role')).toBeDisabled();
    await dialog.getByLabel('Languages and level (1–10)').fill('en 8, es 5');
    await p.keyboard.press('ControlOrMeta+Enter');
    await expect(dialog).toBeHidden();
    await expect.poll(async () => (await admin('GET', '/v1/admin/agents')).agents.find((a: { id: string }) => a.id === 'agent-ben')?.languages).toEqual({ en: 8, es: 5 });
  } finally {
    await p.context().close();
    await samHost.stop();
  }
});

test('SLA and business hours: a calendar and a policy made by keyboard; a holiday (typed, and imported from .ics) moves the due time', async () => {
  await openScreen(page, 'SLA and business hours');
  const policies = page.getByRole('listbox', { name: 'SLA policies' });
  await expect(policies).toBeFocused();
  const preview = async () => (await admin('POST', '/v1/routing/sla/preview', { priority: 'normal', channel: 'rss' })) as { policy_id: string | null; open_now: boolean; at: number; first_response_due: number | null };
  const config = async () => (await admin('GET', '/v1/routing/config')).config as { calendars: Array<{ id: string; name?: string; holidays: string[] }>; sla_policies: Array<{ id: string; name?: string; channels: string[]; calendar_id: string | null; first_response_seconds: number | null }> };

  // a calendar open day and night in UTC
  const calName = unique('Feeds desk hours');
  await page.keyboard.press('c');
  const calDialog = page.getByRole('dialog', { name: 'New calendar' });
  await expect(calDialog.getByLabel('Name')).toBeFocused();
  await page.keyboard.type(calName);
  await page.keyboard.press('Tab');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('UTC');
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
    await calDialog.getByLabel(day, { exact: true }).focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('00:00-24:00');
  }
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(calDialog).toBeHidden();
  await expect.poll(async () => (await config()).calendars.find((c) => c.name === calName)?.holidays).toEqual([]);
  const calId = (await config()).calendars.find((c) => c.name === calName)!.id;

  // a policy for feeds on it, first response within 1 h
  const policyName = unique('Feeds');
  await policies.focus();
  await page.keyboard.press('n');
  const polDialog = page.getByRole('dialog', { name: 'New SLA policy' });
  await expect(polDialog.getByLabel('Name')).toBeFocused();
  await page.keyboard.type(policyName);
  await polDialog.getByRole('checkbox', { name: 'Feed' }).focus();
  await page.keyboard.press('Space');
  await polDialog.getByLabel('Business hours').selectOption({ label: `${calName} (UTC)` });
  await polDialog.getByLabel('First response within').focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('1h');
  await shoot(page, 'sla-policy');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(polDialog).toBeHidden();
  await expect.poll(async () => (await config()).sla_policies[0]).toMatchObject({ name: policyName, channels: ['rss'], calendar_id: calId, first_response_seconds: 3600 });
  const open = await preview();
  expect(open).toMatchObject({ policy_id: (await config()).sla_policies[0]!.id, open_now: true });
  expect(open.first_response_due! - open.at).toBe(3_600_000);

  // the preview on the screen says the same
  const region = page.getByRole('region', { name: 'SLA and business hours' });
  const result = region.getByRole('region', { name: 'Preview' }).getByRole('status', { name: 'Preview result' });
  await region.getByRole('region', { name: 'Preview' }).getByLabel('Channel', { exact: true }).selectOption('rss');
  await expect(result).toContainText(policyName);
  await expect(result).toContainText('open now');
  await shoot(page, 'sla');

  // a holiday typed, and today's date from an .ics file: the calendar is closed now and the due time moves to tomorrow
  const today = new Date().toISOString().slice(0, 10);
  const calendars = region.getByRole('listbox', { name: 'Calendars' });
  await calendars.focus();
  await moveTo(page, calendars, new RegExp(`^${calName},`), 'j');
  await page.keyboard.press('Enter');
  const edit = page.getByRole('dialog', { name: `Edit calendar ${calName}` });
  await edit.getByLabel('Holidays (one date a line, YYYY-MM-DD)').focus();
  await page.keyboard.type('2030-12-25');
  await edit.getByLabel('Holidays file (.ics)').setInputFiles({
    name: 'holidays.ics', mimeType: 'text/calendar',
    buffer: Buffer.from(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:${today.replace(/-/g, '')}\r\nSUMMARY:Feeds day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`),
  });
  await expect(edit).toContainText('holidays.ics: 1 holiday added');
  await edit.getByLabel('Holidays (one date a line, YYYY-MM-DD)').focus();
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(edit).toBeHidden();
  await expect.poll(async () => (await config()).calendars.find((c) => c.id === calId)?.holidays).toEqual([today, '2030-12-25']);
  const closed = await preview();
  expect(closed.open_now).toBe(false);
  expect(closed.first_response_due).toBe(Date.parse(`${today}T00:00:00Z`) + 86_400_000 + 3_600_000);
  await expect(result).toContainText('closed now');

  // the policy removed by keyboard: feeds are due day and night again
  await policies.focus();
  await moveTo(page, policies, new RegExp(`^${policyName},`), 'k');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await config()).sla_policies.some((p) => p.name === policyName)).toBe(false);
});

test("canned responses: the team's, made by keyboard with a preview; an agent's ;shortcode expands it and the hub counts the use", async ({ browser }) => {
  await openScreen(page, 'Canned responses');
  const list = page.getByRole('listbox', { name: 'Canned responses' });
  await expect(list).toBeFocused();
  await expect(list.getByRole('option', { name: /^;thanks, .*the team's/ })).toBeVisible();
  const code = `late${Date.now().toString(36)}`;
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: 'New canned response' });
  await expect(dialog.getByLabel('Shortcode')).toBeFocused();
  await page.keyboard.type(code);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Parcel late');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Hi {{customer.first_name}}, your parcel is on its way. ^{{agent.initials}}');
  // the preview fills the variables (no conversation open: an example customer)
  await expect(dialog.getByRole('region', { name: 'Canned preview' })).toContainText('Hi Maria, your parcel is on its way. ^DA');
  await shoot(page, 'canned-new');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(dialog).toBeHidden();
  const onHub = async (api = admin) => ((await api('GET', '/v1/canned')).canned as Array<{ shortcode: string; scope: string; uses: number }>).find((c) => c.shortcode === code);
  await expect.poll(async () => (await onHub())?.scope).toBe('team');
  await expect(list.getByRole('option', { name: new RegExp(`^;${code}, Parcel late, the team's, used 0 times`) })).toBeVisible();
  await shoot(page, 'canned');

  // Ben, an agent, types ;code and space in a reply: it expands with his customer's name, and the hub counts it
  const benHost = await startExtraHost('ben-canned');
  const p = await (await browser.newContext()).newPage();
  try {
    await signIn(p, benHost.appUrl, 'ben@demo.tend');
    const conversations = p.getByRole('listbox', { name: 'Conversations' });
    await expect(conversations).toBeFocused();
    await expect(p.getByRole('region', { name: 'Conversation' }).getByRole('heading', { level: 1 })).not.toBeEmpty();
    await p.keyboard.press('r');
    const composer = p.getByRole('textbox', { name: /Public reply|Private message/ });
    await expect(composer).toBeFocused();
    // as the agent sees it: the shortcode is offered under the field once the desk has the team's list
    // (at sign-in it comes from the hub, which a busy machine can take a while to answer), then space expands it
    await p.keyboard.type(`;${code}`);
    await expect(p.getByRole('listbox', { name: 'Canned responses' }).getByRole('option', { name: new RegExp(`^;${code} Parcel late`) })).toBeVisible();
    await p.keyboard.press('Space');
    await expect(composer).toHaveValue(/^Hi \S+, your parcel is on its way\. \^BO $/);
    await expect.poll(async () => (await onHub())?.uses).toBe(1);
    await p.keyboard.press('ControlOrMeta+A');
    await p.keyboard.press('Delete');
    await expect(composer).toHaveValue('');
  } finally {
    await p.context().close();
    await benHost.stop();
  }
});

test('routing rules: the try-it box explains, a rule made by keyboard sends the next post to a department, a version restored takes it back', async () => {
  await openScreen(page, 'Routing rules');
  const rules = page.getByRole('listbox', { name: 'Routing rules' });
  await expect(rules).toBeFocused();
  await expect(rules.getByRole('option', { name: /^Stores and branches to Store operations: / })).toBeVisible();
  const marker = `zq${Date.now().toString(36)}`;
  const post = `Just saying hi about the ${marker} programme`;

  // the try-it box: no rule matches such a post yet
  await page.keyboard.press('t');
  const tryIt = page.getByRole('region', { name: 'Try it', exact: true });
  await expect(tryIt.getByLabel('Post')).toBeFocused();
  await page.keyboard.type(post);
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(tryIt.getByRole('status', { name: 'Try it result' })).toContainText('No rule matches: it goes to Care');

  // a new rule, tried before it is saved
  await rules.focus();
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: 'New routing rule' });
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await page.keyboard.type(`Programme ${marker} to Loyalty`);
  await dialog.getByLabel('Condition 1: values').focus();
  await page.keyboard.type(marker);
  await dialog.getByLabel('Destination 1: team or department').selectOption({ label: 'Loyalty (department)' });
  const tryRule = dialog.getByRole('region', { name: 'Try this rule' });
  await tryRule.getByLabel('Post').focus();
  await page.keyboard.type(post);
  await tryRule.getByRole('button', { name: /^Try/ }).focus();
  await page.keyboard.press('Enter');
  await expect(tryRule.getByRole('status', { name: 'Try this rule result' })).toContainText(`Rule Programme ${marker} to Loyalty matches: it goes to Loyalty as an insight`);
  await shoot(page, 'rules-edit');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(dialog).toBeHidden();
  const config = async () => (await admin('GET', '/v1/routing/config')).config as { rules: Array<{ name: string; targets: Array<{ queue_id: string }> }> };
  await expect.poll(async () => (await config()).rules.find((r) => r.name === `Programme ${marker} to Loyalty`)?.targets).toEqual([expect.objectContaining({ queue_id: 'q-team-loyalty' })]);
  await shoot(page, 'rules');

  // the next post saying so goes to Loyalty as an insight
  const { conversation_id } = await ingestPost(post, `fan_${marker}`);
  await expect.poll(async () => ((await admin('GET', '/v1/routing/insights')).insights as Array<{ conversation_id: string; department_id: string }>)
    .find((i) => i.conversation_id === conversation_id)?.department_id).toBe('team-loyalty');

  // versions: the one before is restored, and the rule is gone
  await rules.focus();
  await page.keyboard.press('v');
  const versions = page.getByRole('dialog', { name: 'Rule versions' });
  const list = versions.getByRole('listbox', { name: 'Versions' });
  await expect(list).toBeFocused();
  await page.keyboard.press('j');
  await page.keyboard.press('Space');
  await expect(list.getByRole('option', { selected: true })).toContainText('chosen');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(versions).toBeHidden();
  await expect.poll(async () => (await config()).rules.some((r) => r.name === `Programme ${marker} to Loyalty`)).toBe(false);
});

test("a customer's data: found by handle, exported as JSON, erased from the hub by keyboard with the conversation still counted", async () => {
  const handle = `gdpr_${Date.now().toString(36)}`;
  const { conversation_id } = await ingestPost(`Hi, this is ${handle}, my card ends in 4242`, handle);
  await openScreen(page, "A customer's data");
  const find = page.getByLabel('Find a customer (name, handle or id; Enter)');
  await expect(find).toBeFocused();
  await page.keyboard.type(handle);
  await page.keyboard.press('Enter');
  const list = page.getByRole('listbox', { name: 'Customers' });
  await expect(list).toBeFocused();
  await expect(list.getByRole('option', { name: new RegExp(`x:${handle}, 1 conversation`) })).toBeVisible();
  await shoot(page, 'customer');

  const downloading = page.waitForEvent('download');
  await page.keyboard.press('e');
  const file = await downloading;
  const exported = JSON.parse(await (await file.createReadStream()).toArray().then((parts) => Buffer.concat(parts).toString('utf8')));
  expect(exported.identities).toEqual([expect.objectContaining({ channel: 'x', handle })]);
  expect(exported.conversations.map((c: { id: string }) => c.id)).toEqual([conversation_id]);
  expect(exported.conversations[0].messages[0].text).toContain(handle);

  await page.keyboard.press('Delete');
  const dialog = page.getByRole('dialog', { name: /^Erase / });
  await expect(dialog.getByLabel('Type "erase" to confirm')).toBeFocused();
  await page.keyboard.press('Enter'); // nothing typed: nothing happens
  await expect(dialog).toBeVisible();
  await page.keyboard.type('erase');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  const customerId = exported.customer.id as string;
  await expect.poll(async () => (await admin('GET', `/v1/admin/customers/${customerId}/export`)).identities).toEqual([]);
  const after = await admin('GET', `/v1/admin/customers/${customerId}/export`);
  expect(after.customer.name).toBe('Erased customer');
  expect(after.conversations).toHaveLength(1);
  expect(JSON.stringify(after)).not.toContain(handle);
  // the screen reads again: nobody answers to that handle any more
  await expect(list).toContainText(`Nobody matches "${handle}"`);
});
