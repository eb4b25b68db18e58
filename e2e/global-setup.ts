/** Builds the app, then starts a demo hub on a random loopback port and the web host with a fresh data dir. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGallery, buildNode, buildRenderer } from '../scripts/build';
import { freePort, startHostProcess, startHubProcess, stopAll, writeState, type StackState } from './support/stack';

export default async function globalSetup(): Promise<void> {
  await stopAll();
  await Promise.all([buildRenderer(), buildGallery(), buildNode()]);
  const runDir = mkdtempSync(join(tmpdir(), 'tend-e2e-'));
  let s: StackState = { runDir, hubPort: await freePort(), controlPort: await freePort(), hubUrl: '', hubPid: null, hostPid: null, appUrl: '' };
  writeState(s);
  s = await startHubProcess(s);
  await startHostProcess(s);
}
