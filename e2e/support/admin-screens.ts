/** The administration screens' helpers shared by the admin specs: open a screen from the palette, shoot it in light and dark. */
import { expect, type Page } from '@playwright/test';
import { join } from 'node:path';
import { expectAccessible } from './axe';
import { ARTIFACTS } from './stack';

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
