/**
 * `npm run smoke:electron`: the real Electron app, end to end, once: launch it against a fresh demo hub
 * and a fresh profile, sign in with the demo account, wait for the desk to be online, take a
 * screenshot (e2e/artifacts/electron-smoke.png), quit. It runs wherever an Electron binary and a
 * display exist; where they do not (the build machines: no Electron download), it says plainly that it
 * was skipped and exits 0. A missing SQLite binding for Electron is a failure here, not a skip: with a
 * binary and a display, `npm start` would have to fall back to the web host.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNode, buildRenderer } from './build';
import { ensureElectronBinding, installedTarget, REPO_ROOT } from './electron-binding';
import { electronProblem } from './start';

export const DEMO_ACCOUNT = { email: 'ana@demo.tend', password: 'demo' };
export const SCREENSHOT = join(REPO_ROOT, 'e2e', 'artifacts', 'electron-smoke.png');

export type SmokeDecision = { run: true; binary: string } | { run: false; says: string };

export function smokeDecision(electron: { binary: string | null; problem: string | null } = electronProblem()): SmokeDecision {
  if (electron.problem !== null || !electron.binary) {
    return { run: false, says: `smoke:electron skipped: ${electron.problem ?? 'no Electron binary'}. Nothing was tested; it runs where an Electron binary and a display exist.` };
  }
  return { run: true, binary: electron.binary };
}

async function smoke(binary: string): Promise<void> {
  const target = installedTarget();
  const binding = await ensureElectronBinding({ target });
  if (!binding.ok) throw new Error(binding.problem);
  await Promise.all([buildRenderer(), buildNode()]);
  const work = mkdtempSync(join(tmpdir(), 'tend-smoke-electron-'));
  const { startHub } = await import('../hub/hub');
  const hub = await startHub({ database: { dataDir: join(work, 'hub') }, server: { port: 0 }, demo: { log: () => {} }, routing: true, surveys: true });
  const { _electron } = await import('playwright-core');
  const app = await _electron.launch({
    executablePath: binary,
    args: [REPO_ROOT],
    env: { ...process.env, TEND_HUB_URL: hub.url, TEND_DATA_DIR: join(work, 'desktop') } as Record<string, string>,
    timeout: 60_000,
  });
  try {
    const page = await app.firstWindow();
    await page.getByRole('form', { name: 'Sign in' }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Hub URL').fill(hub.url);
    await page.getByLabel('Email').fill(DEMO_ACCOUNT.email);
    await page.getByLabel('Password').fill(DEMO_ACCOUNT.password);
    await page.keyboard.press('Enter');
    await page.getByRole('status', { name: 'Online' }).waitFor({ timeout: 60_000 });
    mkdirSync(join(REPO_ROOT, 'e2e', 'artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    console.log(`smoke:electron passed: Electron ${target.electronVersion} (${binding.how} SQLite binding) signed in as ${DEMO_ACCOUNT.email}; screenshot: ${SCREENSHOT}`);
  } finally {
    await app.close().catch(() => {});
    await hub.close().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const decision = smokeDecision();
  if (!decision.run) { console.log(decision.says); return; }
  await smoke(decision.binary);
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => { console.error(`smoke:electron failed: ${err instanceof Error ? err.message : err}`); process.exit(1); });
}
