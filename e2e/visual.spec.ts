/**
 * The look, held by snapshots: ten key screens in light and dark at 1440×900, rendered by the real
 * app over the gallery's fixed world (renderer/gallery) with the page clock frozen, and checked by
 * axe (no serious or critical violation). An unintended change of the look fails here; an intended
 * one is accepted with `npx playwright test e2e/visual.spec.ts --update-snapshots` and reviewed.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './support/axe';
import { openGallery, type Screen } from './support/gallery';

test.use({ viewport: { width: 1440, height: 900 }, timezoneId: 'UTC', locale: 'en-US' });

interface Shot { name: string; screen: Screen; then?(page: Page): Promise<void> }
const SHOTS: Shot[] = [
  { name: 'sign-in', screen: 'login' },
  { name: 'inbox', screen: 'inbox' },
  {
    name: 'composer', screen: 'inbox', then: async (p) => {
      await p.getByRole('listbox', { name: 'Conversations' }).focus();
      await p.keyboard.press('r');
      await p.keyboard.type('Hi Maria, sorry for the wait. ;re');
      await expect(p.getByRole('listbox', { name: 'Canned responses' })).toBeVisible();
    },
  },
  {
    name: 'search', screen: 'inbox', then: async (p) => {
      await p.keyboard.press('/');
      await p.keyboard.type('refund');
      await expect(p.getByRole('listbox', { name: 'Search messages' }).locator('mark').first()).toBeVisible();
    },
  },
  {
    name: 'palette', screen: 'inbox', then: async (p) => {
      await p.keyboard.press('ControlOrMeta+K');
      await expect(p.getByRole('combobox', { name: 'Command palette' })).toBeFocused();
    },
  },
  { name: 'offers', screen: 'offers', then: async (p) => { await expect(p.getByRole('region', { name: 'Offers' }).getByText('Grace Liu')).toBeVisible(); } },
  { name: 'team-queue', screen: 'team' },
  { name: 'nothing-assigned', screen: 'empty' },
  { name: 'floor', screen: 'floor', then: async (p) => { await expect(p.locator('.recharts-line').first()).toBeVisible(); } },
  { name: 'insights', screen: 'insights' },
  {
    name: 'assign-over-capacity', screen: 'floor', then: async (p) => {
      await expect(p.getByRole('listbox', { name: 'SLA at risk and breached' })).toBeFocused();
      await p.keyboard.press('a');
      await p.keyboard.type('Ben');
      await p.keyboard.press('Enter');
      await expect(p.getByRole('dialog', { name: /Assign anyway\?$/ })).toBeVisible();
    },
  },
];

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme}`, () => {
    test.use({ colorScheme: scheme });
    for (const shot of SHOTS) {
      test(`${shot.name}`, async ({ page }) => {
        await openGallery(page, shot.screen);
        if (shot.screen !== 'login') await expect(page.getByRole('banner')).toBeVisible();
        await shot.then?.(page);
        await expect(page).toHaveScreenshot(`${shot.name}-${scheme}.png`, {
          maxDiffPixelRatio: 0.002,
          // toasts come and go on a timer: their place is kept, their pixels not compared
          mask: [page.locator('.toasts')],
        });
        await expectAccessible(page, `${shot.name} (${scheme})`);
      });
    }
  });
}
