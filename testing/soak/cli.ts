/**
 * The fault suite: `npm run soak -- --runs N [--seed S] [--jobs J] [--ops K] [--state FILE] [--keep]`
 *
 *   --runs N     runs with seeds S, S+1, … S+N-1 (default 20)
 *   --seed S     the first seed (default 1); with --runs 1 it replays exactly that run's operations and faults
 *   --jobs J     runs at once (default 2); each run is 4–6 processes, mostly waiting
 *   --ops K      operations per run (default 30)
 *   --state FILE one JSON line per finished run; started again with the same file (and the same --runs and
 *                --seed) it runs exactly the seeds of the range not in the file yet (a run cut by a kill runs
 *                again) and reports all of them: a long soak can stop and resume, or run in chunks
 *   --keep       keep each run's database and folders (to look at a failing seed)
 *
 * Needs a PostgreSQL server: SOAK_DATABASE_URL, else TEST_DATABASE_URL (any database there; runs
 * create theirs from a template database made once). Prints progress on stderr, one line per
 * violation with the seed that reproduces it, and last, on stdout, one JSON line
 * {"runs", "faults", "violations", "violation_list", "seconds", "run_seconds_total", "cpu_ms_per_run", …}. Exits 1 on a violation.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { buildSoak } from './build';
import { dropOrphans, ensureTemplate } from './floor';
import { pendingDrops, runOnce, type RunResult } from './run';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '2' },
    ops: { type: 'string', default: '30' },
    state: { type: 'string' },
    keep: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
  strict: true,
});
const int = (name: string, v: string, min: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min} (got ${v})`);
  return n;
};
const runs = int('runs', values.runs!, 1);
const first = int('seed', values.seed!, 0);
const jobs = int('jobs', values.jobs!, 1);
const ops = int('ops', values.ops!, 1);
const serverUrl = process.env.SOAK_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!serverUrl) {
  console.error('soak: needs a PostgreSQL server: set SOAK_DATABASE_URL (or TEST_DATABASE_URL), e.g. postgres://tend:tend@127.0.0.1:5432/tend_soak');
  process.exit(2);
}
const err = (line: string) => { process.stderr.write(line + '\n'); };

/** CPU of this process and of its reaped children (the run's hub and desktops), ms. */
function cpuTotals(): { self: number; children: number } {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return { self: (Number(f[11]) + Number(f[12])) * 10, children: (Number(f[13]) + Number(f[14])) * 10 };
  } catch {
    const u = process.cpuUsage();
    return { self: (u.user + u.system) / 1000, children: 0 };
  }
}

const done = new Map<number, RunResult>();
if (values.state && existsSync(values.state)) {
  for (const line of readFileSync(values.state, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    // only this command's seeds count (a state file may hold other ranges); a line cut by a kill: that run runs again
    try { const r = JSON.parse(line) as RunResult; if (r.seed >= first && r.seed < first + runs) done.set(r.seed, r); } catch { /* runs again */ }
  }
}
const seeds = Array.from({ length: runs }, (_, i) => first + i).filter((s) => !done.has(s));
if (done.size) err(`soak: ${runs - seeds.length} of ${runs} runs already done in ${values.state}, ${seeds.length} to go`);

const started = Date.now();
const cpu0 = cpuTotals();
const build = await buildSoak();
const template = await ensureTemplate(serverUrl, err);
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch (e) { return (e as { code?: string }).code === 'EPERM'; } };
const orphans = await dropOrphans(serverUrl, alive);
if (orphans) err(`soak: dropped ${orphans} run database(s) left by a soak that was killed`);
err(`soak: ${seeds.length} runs (seeds ${first}…${first + runs - 1}${done.size ? ', the rest done' : ''}), ${jobs} at a time, ${ops} operations each; ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

const results: RunResult[] = [];
let next = 0;
let finished = 0;
let interrupted = false;
process.on('SIGINT', () => { interrupted = true; err('soak: stopping after the runs under way (Ctrl-C again to quit now)'); process.once('SIGINT', () => process.exit(130)); });

async function worker(): Promise<void> {
  while (!interrupted && next < seeds.length) {
    const seed = seeds[next++];
    const r = await runOnce(seed, { build, serverUrl: serverUrl!, template, ops, keep: values.keep, log: err });
    results.push(r);
    finished++;
    if (values.state) appendFileSync(values.state, JSON.stringify({ ...r, at: new Date().toISOString() }) + '\n');
    for (const v of r.violations) err(`VIOLATION seed=${v.seed} ${v.kind}: ${v.detail}  (replay: npm run soak -- --runs 1 --seed ${v.seed})`);
    if (!values.quiet || finished % 25 === 0 || finished === seeds.length) {
      const el = (Date.now() - started) / 1000;
      const bad = results.filter((x) => x.violations.length).length;
      err(`soak: ${finished}/${seeds.length} runs, ${bad} with violations, ${el.toFixed(0)} s, seed ${seed}: ${r.ops} ops, ${Object.values(r.faults).reduce((a, b) => a + b, 0)} faults, ${(r.wallMs / 1000).toFixed(1)} s ${JSON.stringify(r.phaseMs)}, ${r.cpuMs} ms CPU in ${r.processes} processes ${JSON.stringify(r.cpuBy)}`);
    }
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, seeds.length) }, () => worker()));
await Promise.all(pendingDrops);

const all = [...done.values(), ...results];
const faults: Record<string, number> = {};
for (const r of all) for (const [k, n] of Object.entries(r.faults)) faults[k] = (faults[k] ?? 0) + n;
const violations = all.flatMap((r) => r.violations);
const cpu1 = cpuTotals();
const thisSession = results.length;
const summary = {
  runs: all.length,
  faults: Object.values(faults).reduce((a, b) => a + b, 0),
  violations: violations.length,
  fault_kinds: faults,
  violation_list: violations.map((v) => ({ seed: v.seed, kind: v.kind, detail: v.detail.slice(0, 500) })),
  seeds_with_violations: [...new Set(violations.map((v) => v.seed))],
  seconds: Math.round((Date.now() - started) / 1000),
  // every run of the range, this session and those before it (--state): the time the runs took, one after another
  run_seconds_total: Math.round(all.reduce((a, r) => a + r.wallMs, 0) / 1000),
  // this session only: the hub and desktop processes (reaped children) and the driver itself; PostgreSQL not counted
  cpu_ms_per_run: thisSession ? Math.round((cpu1.children - cpu0.children + cpu1.self - cpu0.self) / thisSession) : null,
  children_cpu_ms_per_run: thisSession ? Math.round((cpu1.children - cpu0.children) / thisSession) : null,
  wall_ms_per_run: thisSession ? Math.round(results.reduce((a, r) => a + r.wallMs, 0) / thisSession) : null,
  load: loadavg().map((l) => Number(l.toFixed(1))),
  ...(interrupted ? { interrupted: true } : {}),
};
const { violation_list, seeds_with_violations, fault_kinds, ...head } = summary;
err(JSON.stringify({ fault_kinds, seeds_with_violations, violation_list }));
// the last line: runs, faults, violations first
process.stdout.write(JSON.stringify({ ...head, seeds_with_violations }) + '\n');
process.exit(violations.length ? 1 : 0);
