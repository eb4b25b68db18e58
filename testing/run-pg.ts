/**
 * `npm run test:pg`: the hub suite against a real PostgreSQL server (TEST_DATABASE_URL),
 * one schema per test file. Without TEST_DATABASE_URL it says so and skips.
 */
import { spawnSync } from 'node:child_process';

const url = process.env.TEST_DATABASE_URL;
if (!url) {
  console.log('test:pg skipped: TEST_DATABASE_URL is not set (e.g. postgres://tend:tend@127.0.0.1:5432/tend_test; .ci/run sets it)');
  process.exit(0);
}
console.log(`test:pg: hub suite on ${url.replace(/\/\/[^@]*@/, '//***@')}`);
const r = spawnSync('npx', ['vitest', 'run', 'hub', ...process.argv.slice(2)], { stdio: 'inherit', env: process.env });
process.exit(r.status ?? 1);
