/**
 * Issue 13: the desk works from 1280×720 to 2560×1440 and at 150 % zoom without wrapping or
 * truncating key text. An agent (Ana) on the inbox with the composer open and a supervisor (Sam)
 * on the Floor, each on their own desktop (web host + core) over the demo hub, at each size:
 * the status bar stays one line with nothing cut off its end, the inbox tabs keep their whole
 * label and count, names are not shortened or clipped, and the page never scrolls sideways.
 * A failure names the element and its text, as a user would see it.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { signIn } from './support/sign-in';
import { join } from 'node:path';
import type { PageElement, PageNode, PageWindow } from './support/page-dom';
import { ARTIFACTS, startExtraHost } from './support/stack';

interface Size { name: string; width: number; height: number; scale?: number }
const SIZES: Size[] = [
  { name: '1280×720', width: 1280, height: 720 },
  { name: '1440×900', width: 1440, height: 900 },
  { name: '1920×1080', width: 1920, height: 1080 },
  { name: '2560×1440', width: 2560, height: 1440 },
  // 150 % zoom as a browser does it: a 1280×720 window shows a CSS viewport 1.5 times smaller, at 1.5 device pixels per CSS pixel
  { name: '150 % zoom of 1280×720', width: Math.floor(1280 / 1.5), height: Math.floor(720 / 1.5), scale: 1.5 },
];

/** What must be read whole: a CSS selector, what the user calls it, and (optionally) the text it must show in full. */
interface KeyText { selector: string; what: string; fullText?: RegExp }

const STATUS_BAR: KeyText[] = [
  { selector: '.statusbar > *:not(.spacer)', what: 'status bar item' },
  { selector: '.statusbar .agent', what: 'signed-in name in the status bar', fullText: /(^|\s)[A-Z][a-z]+ [A-Z][a-z]+$/ },
];
const INBOX: KeyText[] = [
  ...STATUS_BAR,
  { selector: '.tabs [role="tab"]', what: 'inbox tab', fullText: /^(Mine|Team queue|Snoozed|Resolved) \d+$/ },
  { selector: '.tabs .tab-label', what: 'inbox tab label', fullText: /^(Mine|Team queue|Snoozed|Resolved)$/ },
  { selector: '.tabs .count', what: 'inbox tab count', fullText: /^\d+$/ },
  { selector: '.queue-tools > *', what: 'queue tool' },
  { selector: '.thread-title h1', what: 'customer name in the thread header' },
  { selector: '.composer-bar select, .composer-actions button', what: 'composer control' },
];
const FLOOR: KeyText[] = [
  ...STATUS_BAR,
  { selector: '.floor-head h1', what: 'Floor heading' },
  { selector: '.kpi .kpi-label, .kpi strong', what: 'Floor figure' },
  { selector: '.floor-card > h2, .floor-card > figcaption', what: 'Floor card title' },
  { selector: '.agent-row > strong', what: 'agent name on the Floor', fullText: /^[A-Z][a-z]+ [A-Z][a-z]+$/ },
  { selector: '.agent-row > span', what: 'agent figure on the Floor' },
  { selector: '.floor-table th', what: 'Floor table heading' },
];

/**
 * Everything on screen that a user would read as wrapped or cut: the page scrolling sideways, the
 * status bar on two lines, and for each key text: clipped inside itself (an ellipsis), cut by a
 * clipping ancestor or the window's edge, wrapped onto a second line, or shortened. One line each,
 * with the element's text.
 */
async function layoutProblems(page: Page, keys: KeyText[]): Promise<string[]> {
  return page.evaluate((keys) => {
    // runs in the page: the browser's globals, typed by support/page-dom.ts
    const w = globalThis as unknown as PageWindow;
    const { document } = w;
    const problems: string[] = [];
    const text = (el: PageNode) => (el.textContent ?? '').replace(/\s+/g, ' ').trim();
    const isSelect = (el: PageElement) => el.tagName === 'SELECT';
    const doc = document.documentElement;
    if (doc.scrollWidth > w.innerWidth) problems.push(`the page scrolls sideways: ${doc.scrollWidth}px of content in a ${w.innerWidth}px window`);

    const bar = document.querySelector('.statusbar');
    if (!bar) problems.push('no status bar');
    else {
      // one line: every item sits on the bar's single row, and the bar is no taller than that row
      const items = [...bar.children].filter((c) => c.offsetWidth > 0);
      const row = Math.max(...items.map((c) => c.getBoundingClientRect().height));
      const pad = parseFloat(w.getComputedStyle(bar).paddingTop) + parseFloat(w.getComputedStyle(bar).paddingBottom) + parseFloat(w.getComputedStyle(bar).borderBottomWidth);
      const barBox = bar.getBoundingClientRect();
      const minTop = Math.min(...items.map((c) => c.getBoundingClientRect().top));
      for (const c of items) {
        if (c.getBoundingClientRect().top >= minTop + row - 1) problems.push(`status bar wraps: "${text(c)}" is on a second line`);
      }
      if (barBox.height > Math.max(36, row + pad) + 0.5) problems.push(`status bar is ${barBox.height}px tall, more than one line (${Math.max(36, row + pad)}px): "${text(bar)}"`);
    }

    for (const key of keys) {
      for (const el of document.querySelectorAll(key.selector)) {
        if (el.offsetWidth === 0 && el.offsetHeight === 0) continue; // not shown (e.g. a tab's empty count while loading)
        const t = text(el);
        if (!t && !isSelect(el)) continue;
        const shown = isSelect(el) ? el.selectedOptions?.[0]?.text ?? '' : t;
        if (key.fullText && !key.fullText.test(shown)) problems.push(`${key.what} is shortened: "${shown}"`);
        if (el.scrollWidth > el.clientWidth + 0.5 && !isSelect(el)) problems.push(`${key.what} is cut (…): "${shown}" needs ${el.scrollWidth}px, has ${el.clientWidth}px`);
        const box = el.getBoundingClientRect();
        if (box.right > w.innerWidth + 0.5 || box.left < -0.5) problems.push(`${key.what} runs off the window: "${shown}" (${Math.round(box.left)}–${Math.round(box.right)}px of ${w.innerWidth}px)`);
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          const ov = w.getComputedStyle(a).overflowX;
          if (ov === 'visible') continue;
          const clip = a.getBoundingClientRect();
          // a box that does not show its overflow (hidden, or scrolled) hides what runs past its edges
          if (box.right > clip.right + 0.5 || box.left < clip.left - 0.5) {
            problems.push(`${key.what} is cut by its ${a.className ? `.${String(a.className).split(' ')[0]}` : a.tagName.toLowerCase()}: "${shown}" (${Math.round(box.left)}–${Math.round(box.right)}px, visible ${Math.round(clip.left)}–${Math.round(clip.right)}px)`);
            break;
          }
        }
        // wrapped: its text laid out on more than one line (icons, bars and padding do not count)
        const tops = new Set<number>();
        const walker = document.createTreeWalker(el, w.NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (!n.textContent?.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(n);
          for (const r of range.getClientRects()) if (r.width > 0 && ![...tops].some((top) => Math.abs(top - r.top) < r.height / 2)) tops.add(r.top);
        }
        if (tops.size > 1) problems.push(`${key.what} wraps onto ${tops.size} lines: "${shown}"`);
      }
    }
    return [...new Set(problems)];
  }, keys);
}

/** Sets the window size (and zoom) the way a browser would lay the page out, then waits for the layout. */
async function resize(page: Page, size: Size): Promise<void> {
  await page.setViewportSize({ width: size.width, height: size.height });
  if (size.scale) {
    // the override lasts as long as its DevTools session: kept open until the page closes
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: size.width, height: size.height, deviceScaleFactor: size.scale, mobile: false });
  }
  await expect.poll(() => page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    return [w.innerWidth, w.devicePixelRatio];
  })).toEqual([size.width, size.scale ?? 1]);
  await page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    return w.document.fonts.ready.then(() => new Promise((r) => w.requestAnimationFrame(() => w.requestAnimationFrame(r))));
  });
}

/** A desktop of its own (web host + core) with `email` signed in, for the length of `body`. */
async function asUser(browser: Browser, name: string, email: string, body: (page: Page) => Promise<void>): Promise<void> {
  const host = await startExtraHost(`${name}-${Date.now().toString(36)}`);
  const page = await (await browser.newContext()).newPage();
  try {
    await signIn(page, host.appUrl, email, { presenceMayBeRestored: true });
    await body(page);
  } finally {
    await page.context().close();
    await host.stop();
  }
}

// Each screen on its own desktop, every size checked and reported (soft): one failure shows the whole picture.
test('an agent\'s inbox and composer keep their key text whole at every size', async ({ browser }) => {
  await asUser(browser, 'viewport-ana', 'ana@demo.tend', async (ana) => {
    const list = ana.getByRole('listbox', { name: 'Conversations' });
    await expect(list.getByRole('option').first()).toBeVisible();
    await expect(ana.getByRole('region', { name: 'Conversation' }).getByRole('heading', { level: 1 })).not.toBeEmpty();
    // the counts are their own query: every tab shows its number before anything is measured
    for (const name of ['Mine', 'Team queue', 'Snoozed', 'Resolved']) await expect(ana.getByRole('tab', { name: new RegExp(`^${name} \\d+$`) })).toBeVisible();
    await list.focus();
    await ana.keyboard.press('r');
    await expect(ana.getByRole('textbox', { name: /Public reply|Private message|Internal note/ })).toBeFocused();

    for (const size of SIZES) {
      await resize(ana, size);
      expect.soft(await layoutProblems(ana, INBOX), `inbox + composer at ${size.name}`).toEqual([]);
    }
    await ana.screenshot({ path: join(ARTIFACTS, 'viewport-inbox-zoom-150.png') });
    // narrow, the customer card starts closed; ] brings it back, and the queue still reads whole
    await ana.keyboard.press('Escape');
    await expect(list).toBeFocused();
    await ana.keyboard.press(']');
    await expect(ana.getByRole('complementary', { name: 'Customer' })).toBeVisible();
    await resize(ana, SIZES.at(-1)!);
    expect.soft(await layoutProblems(ana, INBOX), `inbox with the customer card opened (]) at ${SIZES.at(-1)!.name}`).toEqual([]);
    await ana.screenshot({ path: join(ARTIFACTS, 'viewport-inbox-card-zoom-150.png') });
  });
});

test('the supervisor\'s Floor keeps its key text whole at every size', async ({ browser }) => {
  await asUser(browser, 'viewport-sam', 'sam@demo.tend', async (sam) => {
    await sam.keyboard.press('Shift+F');
    const floor = sam.getByRole('region', { name: 'Floor' });
    await expect(floor.getByRole('listbox', { name: 'Agents' }).getByRole('option').first()).toBeVisible();
    await expect(floor.getByRole('table', { name: 'Queues' })).toBeVisible();

    for (const size of SIZES) {
      await resize(sam, size);
      expect.soft(await layoutProblems(sam, FLOOR), `Floor at ${size.name}`).toEqual([]);
    }
    await sam.screenshot({ path: join(ARTIFACTS, 'viewport-floor-zoom-150.png') });
  });
});
