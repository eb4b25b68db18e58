/**
 * The gallery (renderer/gallery, built into renderer/dist-gallery by the global setup): the real
 * app over a fixed world with the page clock frozen at the world's NOW, so every screen looks the
 * same on every run. Served to the page by Playwright's routing, no server.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { Page } from '@playwright/test';
import { NOW } from '../../renderer/src/testing/world';
import { ROOT } from './stack';

const DIST = join(ROOT, 'renderer', 'dist-gallery');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.svg': 'image/svg+xml', '.map': 'application/json' };
export const GALLERY = 'http://gallery.tend';

export type Screen = 'login' | 'inbox' | 'team' | 'floor' | 'insights' | 'offers' | 'empty';

export async function openGallery(page: Page, screen: Screen): Promise<void> {
  await page.clock.setFixedTime(NOW);
  await page.route(`${GALLERY}/**`, async (route) => {
    const path = normalize(decodeURIComponent(new URL(route.request().url()).pathname)).replace(/^([/\\])+/, '');
    const file = join(DIST, path || 'index.html');
    if (!file.startsWith(DIST)) return route.fulfill({ status: 403 });
    try {
      await route.fulfill({ status: 200, body: await readFile(file), contentType: TYPES[extname(file)] ?? 'application/octet-stream' });
    } catch {
      await route.fulfill({ status: 404 });
    }
  });
  await page.goto(`${GALLERY}/index.html?screen=${screen}`);
  await page.locator(`html[data-gallery-ready="${screen}"]`).waitFor({ state: 'attached' });
  await page.evaluate('document.fonts.ready.then(() => undefined)');
}
