/**
 * Hubs in processes of their own (testing/hub/hub-process.ts), for fault tests that SIGKILL one
 * mid-work and start another on the same data directory. `start` resolves with the hub's URL once
 * it printed it; `killAll` (in afterAll) ends whatever a failed test left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./hub-process.ts', import.meta.url));

export interface HubProcess { child: ChildProcess; url: string }

export function hubProcesses() {
  const children: ChildProcess[] = [];

  /** Resolves once the process has exited (at once if it already had). */
  const exited = (child: ChildProcess) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

  return {
    /** A hub on `dataDir` with hub-process.ts's `args` (e.g. --routing, --lease-ms 1500) and `env` added to this process's environment. */
    async start(dataDir: string, args: string[] = [], env: Record<string, string> = {}): Promise<HubProcess> {
      const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, dataDir, ...args], {
        cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env },
      });
      children.push(child);
      const line = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout! });
        rl.once('line', (l) => { rl.close(); resolve(l); });
        child.once('exit', (code) => reject(new Error(`hub process exited with ${code} before it was ready`)));
      });
      return { child, url: (JSON.parse(line) as { url: string }).url };
    },
    exited,
    /** SIGKILL: the hub gets no chance to finish anything. Resolves once it is gone. */
    kill9(child: ChildProcess): Promise<void> {
      const gone = exited(child);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return gone;
    },
    async killAll(): Promise<void> {
      await Promise.all(children.map((c) => { const gone = exited(c); if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); return gone; }));
    },
  };
}
