/**
 * The soak's processes: a hub (hub-entry.ts) and desktops (desk-entry.ts), each a child process the
 * driver can SIGKILL at any moment, with the CPU each used (read from /proc just before it ends, so a
 * run can say what it cost).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** SOAK_NODE_ARGS: extra Node flags for the run's processes (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p` to see where a run's CPU goes) */
const NODE_ARGS = (process.env.SOAK_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** a profile is written at a clean exit only: with --cpu-prof the run's end closes its processes instead of killing them */
export const PROFILING = NODE_ARGS.some((a) => a.startsWith('--cpu-prof'));

/** CPU time a live process has used so far, in ms (Linux /proc; 0 elsewhere). */
export function cpuMsOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 100 Hz ticks
  } catch {
    return 0;
  }
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/** Counts what the run's processes cost. */
export class CpuMeter {
  ms = 0;
  starts = 0;
  readonly by: Record<string, number> = {};
  take(child: ChildProcess | null, what = 'process'): void {
    if (!child) return;
    const ms = cpuMsOf(child.pid);
    this.ms += ms;
    this.by[what] = (this.by[what] ?? 0) + ms;
  }
}

export class HubProc {
  child: ChildProcess | null = null;
  url = '';
  private stderr = '';

  /** `traceFile`: everything the hub writes (its log at debug level) is appended there (SOAK_TRACE_DIR) */
  /** `entry`: the script and its first arguments (build.ts: the loader and the bundle) */
  constructor(private readonly entry: string[], private readonly dbUrl: string, readonly port: number,
    private readonly env: Record<string, string>, private readonly cpu: CpuMeter, private readonly traceFile: string | null = null) {}

  get up(): boolean { return this.child !== null; }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(process.execPath, [...NODE_ARGS, ...this.entry, '--db', this.dbUrl, '--port', String(this.port)], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.env, NODE_ENV: 'production', ...(this.traceFile ? { TEND_LOG_LEVEL: 'debug' } : {}) },
    });
    this.cpu.starts++;
    this.stderr = '';
    const trace = this.traceFile;
    if (trace) appendFileSync(trace, `--- hub pid ${child.pid} started ${new Date().toISOString()}\n`);
    child.stderr!.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000); if (trace) appendFileSync(trace, d); });
    const rl = createInterface({ input: child.stdout! });
    if (trace) rl.on('line', (l) => appendFileSync(trace, l + '\n'));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`hub did not start in 60 s: ${this.stderr}`)); }, 60_000);
      // the first line with the hub's url (its log may come first at debug level)
      const onLine = (l: string) => {
        let v: { soak_hub_url?: string } | null = null;
        try { v = JSON.parse(l) as { soak_hub_url?: string }; } catch { /* a log line */ }
        if (v?.soak_hub_url) { rl.off('line', onLine); clearTimeout(timer); resolve(v.soak_hub_url); }
      };
      rl.on('line', onLine);
      child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`hub exited (${code ?? signal}) before it was ready: ${this.stderr.slice(-1500)}`)); });
    });
    this.url = url;
    this.child = child;
  }

  /** What the hub wrote on stderr lately (for a violation's details). */
  get recentErrors(): string { return this.stderr; }

  async kill(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    this.cpu.take(child, 'hub');
    if (this.traceFile) appendFileSync(this.traceFile, `--- hub pid ${child.pid} ${signal} ${new Date().toISOString()}\n`);
    child.kill(signal);
    if (signal === 'SIGTERM') {
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await waitExit(child);
      clearTimeout(t);
    } else {
      await waitExit(child);
    }
  }
}

export class DeskDied extends Error {
  constructor() { super('the desktop process died'); this.name = 'DeskDied'; }
}

export class CoreCallError extends Error {
  constructor(readonly code: string, message: string) { super(message); this.name = 'CoreCallError'; }
}

/** One desktop core process on its data folder, called over IPC. */
export class DeskProc {
  child: ChildProcess | null = null;
  private next = 0;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  /** `traceFile`: the core's log and stderr are appended there (SOAK_TRACE_DIR) */
  constructor(private readonly entry: string[], readonly dir: string, private readonly cpu: CpuMeter, private readonly traceFile: string | null = null) {}

  get up(): boolean { return this.child !== null; }

  async start(): Promise<void> {
    if (this.child) return;
    const child = fork(this.entry[0], [...this.entry.slice(1), this.dir], { execArgv: NODE_ARGS, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, NODE_ENV: 'production', ...(this.traceFile ? { SOAK_DESK_LOG: '1' } : {}) } });
    this.cpu.starts++;
    let stderr = '';
    const trace = this.traceFile;
    if (trace) appendFileSync(trace, `--- desktop pid ${child.pid} started ${new Date().toISOString()}\n`);
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); if (trace) appendFileSync(trace, d); });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => { if (m.ready) { child.off('message', onMessage); resolve(); } };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => reject(new Error(`desktop exited (${code ?? signal}) before it was ready: ${stderr}`)));
    });
    child.on('message', (m: { id?: number; ok?: boolean; value?: unknown; error?: { code: string; message: string } }) => {
      if (m.id === undefined) return;
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.ok) w.resolve(m.value);
      else w.reject(new CoreCallError(m.error?.code ?? 'error', m.error?.message ?? 'failed'));
    });
    child.once('exit', () => {
      if (this.child === child) this.child = null;
      for (const w of this.waiting.values()) w.reject(new DeskDied());
      this.waiting.clear();
    });
    this.child = child;
  }

  call<T = unknown>(op: 'handle' | 'sync' | 'drafts' | 'unsent' | 'conversations', extra: Record<string, unknown> = {}): Promise<T> {
    const child = this.child;
    if (!child || !child.connected) return Promise.reject(new DeskDied());
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, op, ...extra });
    });
  }

  handle<T = unknown>(name: string, req: unknown = {}): Promise<T> {
    return this.call<T>('handle', { name, req });
  }

  /** The run's end: killed, or closed when profiling (PROFILING). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !PROFILING) return this.kill();
    this.cpu.take(child, 'desktop');
    this.child = null;
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.send({ id: -1, op: 'close' });
    await waitExit(child);
    clearTimeout(t);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    this.cpu.take(child, 'desktop');
    if (this.traceFile) appendFileSync(this.traceFile, `--- desktop pid ${child.pid} SIGKILL ${new Date().toISOString()}\n`);
    child.kill('SIGKILL');
    await waitExit(child);
  }
}
