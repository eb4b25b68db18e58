import { preparedStatementsSuite } from './pglite-prepared.suite';

// PGlite in the caller's thread (TEND_PGLITE_THREAD=0); the worker thread has its own file, pglite-thread.test.ts
preparedStatementsSuite(false);
