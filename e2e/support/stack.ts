/**
 * The system under test, as processes: a demo hub (e2e/support/hub-process.ts) and the web
 * host with the desktop core (main/host/run.ts). Started by the global setup; tests stop and
 * restart them through these helpers. State (pids, ports, URLs) lives in a JSON file so the
 * setup, the tests and the teardown, which run in different processes, share it.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loose } from '../../testing/json';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
const STATE_FILE = join(ARTIFACTS, 'stack.json');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface StackState {
  runDir: string;
  hubPort: number;
  controlPort: number;
  hubUrl: string;
  hubPid: number | null;
  hostPid: number | null;
  appUrl: string;
}

export function readState(): StackState { return JSON.parse(readFileSync(STATE_FILE, 'utf8')); }
export function writeState(s: StackState): void { mkdirSync(ARTIFACTS, { recursive: true }); writeFileSync(STATE_FILE, JSON.stringify(s, null, 2)); }

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/**
 * Spawns a detached process logging to a file (it outlives whoever started it: setup, test
 * worker) and resolves with its pid and the first log match of `ready`.
 */
async function spawnUntil(args: string[], ready: RegExp, name: string, env?: Record<string, string>): Promise<{ pid: number; match: RegExpExecArray }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const logFile = join(ARTIFACTS, `${name}-${Date.now()}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(TSX, args, { cwd: ROOT, stdio: ['ignore', fd, fd], detached: true, env: env ? { ...process.env, ...env } : process.env });
  closeSync(fd);
  child.unref();
  let exited: number | null = null;
  child.once('exit', (code) => { exited = code ?? -1; });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const out = readFileSync(logFile, 'utf8');
    const m = ready.exec(out);
    if (m) return { pid: child.pid!, match: m };
    if (exited !== null) throw new Error(`${name} exited (${exited}):\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  try { process.kill(child.pid!, 'SIGKILL'); } catch {}
  throw new Error(`${name}: not ready in 60 s (log: ${logFile})`);
}

export async function startHubProcess(s: StackState): Promise<StackState> {
  const { pid, match } = await spawnUntil(['e2e/support/hub-process.ts', '--port', String(s.hubPort), '--control-port', String(s.controlPort),
    '--data-dir', join(s.runDir, 'hub')], /ready (\S+)/, 'hub');
  const next = { ...s, hubPid: pid, hubUrl: match[1]! };
  writeState(next);
  return next;
}

export async function startHostProcess(s: StackState): Promise<StackState> {
  const { pid, match } = await spawnUntil(['main/host/run.ts', '--data-dir', join(s.runDir, 'desktop'), '--hub-url', s.hubUrl],
    /tend web host: (\S+)/, 'host');
  const next = { ...s, hostPid: pid, appUrl: match[1]! };
  writeState(next);
  return next;
}

/**
 * One more desktop (web host + core, its own data dir) on the same hub, for a second agent
 * (a supervisor next to an agent). Not in the shared state: the caller stops it.
 */
export async function startExtraHost(name: string): Promise<{ pid: number; appUrl: string; stop(): Promise<void> }> {
  const s = readState();
  const { pid, match } = await spawnUntil(['main/host/run.ts', '--data-dir', join(s.runDir, `desktop-${name}`), '--hub-url', s.hubUrl],
    /tend web host: (\S+)/, `host-${name}`);
  return { pid, appUrl: match[1]!, stop: () => stop(pid) };
}

/**
 * A hub without the demo on an empty data dir (a real workspace's first run: `npm run hub`) and a
 * desktop on it, the hub with `env` added to its environment. Not in the shared state: the caller stops both.
 */
export async function startFreshStack(name: string, env?: Record<string, string>): Promise<{ hubUrl: string; appUrl: string; stop(): Promise<void> }> {
  const s = readState();
  const hub = await spawnUntil(['hub/cli.ts', '--port', String(await freePort()), '--data-dir', join(s.runDir, `hub-${name}`), '--no-analysis'],
    /listening on (\S+)/, `hub-${name}`, env);
  try {
    const host = await spawnUntil(['main/host/run.ts', '--data-dir', join(s.runDir, `desktop-${name}`), '--hub-url', hub.match[1]!],
      /tend web host: (\S+)/, `host-${name}`);
    return { hubUrl: hub.match[1]!, appUrl: host.match[1]!, stop: async () => { await stop(host.pid); await stop(hub.pid); } };
  } catch (err) {
    await stop(hub.pid);
    throw err;
  }
}

/**
 * A demo hub of its own (`--demo-seed`: how many demo conversations; env added to its environment),
 * on its own data dir and ports, with a desktop on it. Not in the shared state: the caller stops both.
 * `restartHub` stops and starts the hub on the same data dir and port (the desktop reconnects).
 */
export async function startOwnStack(name: string, opts: { demoSeed?: number; env?: Record<string, string> } = {}) {
  const s = readState();
  const port = await freePort();
  const controlPort = await freePort();
  const args = ['e2e/support/hub-process.ts', '--port', String(port), '--control-port', String(controlPort), '--data-dir', join(s.runDir, `hub-${name}`),
    ...(opts.demoSeed === undefined ? [] : ['--demo-seed', String(opts.demoSeed)])];
  let hub = await spawnUntil(args, /ready (\S+)/, `hub-${name}`, opts.env);
  const hubUrl = hub.match[1]!;
  try {
    const host = await spawnUntil(['main/host/run.ts', '--data-dir', join(s.runDir, `desktop-${name}`), '--hub-url', hubUrl], /tend web host: (\S+)/, `host-${name}`);
    return {
      hubUrl, appUrl: host.match[1]!,
      /** POSTs to the hub's control endpoint (hub-process.ts) */
      control: async (path: string, body: unknown) => {
        const res = await fetch(`http://127.0.0.1:${controlPort}${path}`, { method: 'POST', body: JSON.stringify(body) });
        if (!res.ok) throw new Error(`control ${path}: HTTP ${res.status} ${await res.text()}`);
        return res.json() as Promise<Loose>;
      },
      /** GETs from the hub's control endpoint */
      read: async (path: string) => {
        const res = await fetch(`http://127.0.0.1:${controlPort}${path}`);
        if (!res.ok) throw new Error(`control ${path}: HTTP ${res.status} ${await res.text()}`);
        return res.json() as Promise<Loose>;
      },
      /** one more desktop (web host + core) on this hub; the caller stops it */
      addHost: async (hostName: string) => {
        const h = await spawnUntil(['main/host/run.ts', '--data-dir', join(s.runDir, `desktop-${name}-${hostName}`), '--hub-url', hubUrl], /tend web host: (\S+)/, `host-${name}-${hostName}`);
        return { appUrl: h.match[1]!, stop: () => stop(h.pid) };
      },
      restartHub: async () => { await stop(hub.pid); hub = await spawnUntil(args, /ready (\S+)/, `hub-${name}`, opts.env); },
      stop: async () => { await stop(host.pid); await stop(hub.pid); },
    };
  } catch (err) {
    await stop(hub.pid);
    throw err;
  }
}

/** The hub's own row of a conversation (priority, assignee, analysis), read from its database. */
export async function hubConversation(id: string): Promise<{ id: string; status: string; priority: string; assignee_id: string | null; analysis: Record<string, Loose> } | null> {
  const s = readState();
  const res = await fetch(`http://127.0.0.1:${s.controlPort}/conversation?id=${encodeURIComponent(id)}`);
  if (!res.ok) throw new Error(`control: HTTP ${res.status}`);
  return res.json() as Promise<never>;
}

/**
 * Stops a process spawnUntil started, and its children: `pid` is tsx's, which runs the program in a
 * child process, and was spawned detached, so it leads a process group. A SIGKILL of tsx alone would
 * leave a program that does not exit on SIGTERM running (a hub still answering after "stopHub").
 */
async function stop(pid: number | null): Promise<void> {
  if (!pid) return;
  const signal = (sig: NodeJS.Signals) => { try { process.kill(-pid, sig); return true; } catch { try { process.kill(pid, sig); return true; } catch { return false; } } };
  const alive = () => { try { process.kill(-pid, 0); return true; } catch { try { process.kill(pid, 0); return true; } catch { return false; } } };
  if (!signal('SIGTERM')) return;
  // Wait until the whole group is gone, so the port and the data dir are free for a restart.
  for (let i = 0; i < 200; i++) {
    if (!alive()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  console.warn(`e2e stack: process group ${pid} did not stop within 10 s of SIGTERM: killed`);
  signal('SIGKILL');
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
}

export async function stopHub(): Promise<void> { const s = readState(); await stop(s.hubPid); writeState({ ...s, hubPid: null }); }
export async function startHub(): Promise<StackState> { return startHubProcess(readState()); }
export async function restartHost(): Promise<StackState> {
  const s = readState();
  await stop(s.hostPid);
  return startHostProcess({ ...s, hostPid: null });
}
export async function stopAll(): Promise<void> {
  let s: StackState;
  try { s = readState(); } catch { return; }
  await Promise.all([stop(s.hostPid), stop(s.hubPid)]);
}

/** Reads the hub's sandbox_posts (what the sandbox connector "posted") whose text contains `text`. */
export async function sandboxPosts(text: string): Promise<Array<{ message_id: string; text: string }>> {
  const s = readState();
  const res = await fetch(`http://127.0.0.1:${s.controlPort}/sandbox_posts?text=${encodeURIComponent(text)}`);
  if (!res.ok) throw new Error(`control: HTTP ${res.status}`);
  return res.json() as Promise<Array<{ message_id: string; text: string }>>;
}

/** The hub's stored messages whose text contains `text`. */
export async function hubMessages(text: string): Promise<Array<{ id: string; text: string; delivery: string }>> {
  const s = readState();
  const res = await fetch(`http://127.0.0.1:${s.controlPort}/messages?text=${encodeURIComponent(text)}`);
  if (!res.ok) throw new Error(`control: HTTP ${res.status}`);
  return res.json() as Promise<Array<{ id: string; text: string; delivery: string }>>;
}

/** A customer's post arriving at the hub (through the hub's own ingest: analysis and routing run). */
export async function ingestPost(text: string, handle: string): Promise<{ conversation_id: string; message_id: string }> {
  const s = readState();
  const res = await fetch(`http://127.0.0.1:${s.controlPort}/ingest`, { method: 'POST', body: JSON.stringify({ text, handle }) });
  if (!res.ok) throw new Error(`control: HTTP ${res.status} ${await res.text()}`);
  return res.json() as Promise<{ conversation_id: string; message_id: string }>;
}

/** Calls the hub's HTTP API as a demo user (password "demo"). */
export async function hubApi(email: string): Promise<(method: string, path: string, body?: unknown) => Promise<Loose>> {
  const { hubUrl } = readState();
  const login = await fetch(`${hubUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'demo' }) });
  if (!login.ok) throw new Error(`login ${email}: HTTP ${login.status}`);
  const { token } = await login.json() as { token: string };
  return async (method, path, body) => {
    const res = await fetch(`${hubUrl}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}
