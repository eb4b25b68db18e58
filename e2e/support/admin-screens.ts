/**
 * The administration screens' helpers shared by the admin specs: the demo's admin signed in on a
 * host of the spec's own, open a screen from the palette, shoot it in light and dark.
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { expectAccessible } from './axe';
import { signIn } from './sign-in';
import { ARTIFACTS, hubApi, startExtraHost } from './stack';

export type HubApi = Awaited<ReturnType<typeof hubApi>>;

/**
 * A serial admin spec's start and end: a desktop host of its own (`hostName`), one page signed in
 * as the demo's admin, and the hub's API as them, handed to `use` before the first test; the page
 * and the host are closed after the last.
 */
export function adminSession(hostName: string, use: (s: { page: Page; admin: HubApi }) => void): void {
  let host: Awaited<ReturnType<typeof startExtraHost>> | undefined;
  let page: Page | undefined;
  test.beforeAll(async ({ browser }) => {
    host = await startExtraHost(hostName);
    page = await (await browser.newContext()).newPage();
    const admin = await hubApi('admin@demo.tend');
    await signIn(page, host.appUrl, 'admin@demo.tend');
    use({ page, admin });
  });
  test.afterAll(async () => {
    await page?.context().close();
    await host?.stop();
  });
}

/** Ctrl+K, a screen's name, Enter: the screen is shown with the keyboard in its list. */
export async function openScreen(p: Page, name: string): Promise<void> {
  await p.keyboard.press('ControlOrMeta+K');
  await p.keyboard.type(`Administration: ${name}`);
  await p.keyboard.press('Enter');
  await expect(p.getByRole('region', { name })).toBeVisible();
}

/** The screen in light and dark (e2e/artifacts/admin-<name>-<scheme>.png), checked by axe in both. */
export async function shoot(p: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await p.emulateMedia({ colorScheme: scheme });
    await p.screenshot({ path: join(ARTIFACTS, `admin-${name}-${scheme}.png`) });
    await expectAccessible(p, `${name} (${scheme})`);
  }
  await p.emulateMedia({ colorScheme: 'light' });
}
