// Runs the TypeScript worker entry under tsx (development and tests). A bundled build starts
// its compiled entry directly. Node 20 does not apply `--import tsx` from a Worker's execArgv
// before it resolves the entry file, hence this small loader step.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.tsEntry);
