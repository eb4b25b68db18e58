/**
 * `npm run test:pg`: the hub suite against a real PostgreSQL server (TEST_DATABASE_URL),
 * one schema per test file, then a short fixed-seed slice of the fault suite (testing/soak: hub,
 * desktops and stand-in platforms as processes, SIGKILLed, cut and restarted; the checker must find
 * nothing). Without TEST_DATABASE_URL it says so and skips.
 */
import { spawnSync } from 'node:child_process';

const url = process.env.TEST_DATABASE_URL;
if (!url) {
  console.log('test:pg skipped: TEST_DATABASE_URL is not set (e.g. postgres://tend:tend@127.0.0.1:5432/tend_test; .ci/run sets it)');
  process.exit(0);
}
console.log(`test:pg: hub suite on ${url.replace(/\/\/[^@]*@/, '//***@')}`);
const r = spawnSync('npx', ['vitest', 'run', 'hub', ...process.argv.slice(2)], { stdio: 'inherit', env: process.env });
if (r.status !== 0) process.exit(r.status ?? 1);
if (process.argv.length > 2) process.exit(0); // a chosen subset of the hub suite: no slice
// the same seeds every time; a violation prints its seed, replayed by `npm run soak -- --runs 1 --seed <seed>`
console.log('test:pg: fault suite slice (npm run soak -- --runs 3 --seed 1 --ops 20)');
const soak = spawnSync('npx', ['tsx', 'testing/soak/cli.ts', '--runs', '3', '--seed', '1', '--ops', '20', '--jobs', '3', '--quiet'], { stdio: 'inherit', env: process.env });
process.exit(soak.status ?? 1);
