// Starts the database thread (pglite-thread-worker.ts). A worker thread does not inherit the
// TypeScript loader the hub runs under (Node 20 resolves its entry before `--import` applies),
// so it registers tsx itself first.
import { register } from 'tsx/esm/api';

register();
await import('./pglite-thread-worker.ts');
