/** The worker thread: owns the SQLite cache and the sync engine, answers the proxy's calls. */
import { parentPort, workerData } from 'node:worker_threads';
import { DesktopEvents } from '../../shared/contract/desktop';
import { LocalDesktopService, type CoreOptions } from './core';
import type { FromWorker, ToWorker } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');
const post = (m: FromWorker) => port.postMessage(m);

let service: LocalDesktopService;
try {
  service = new LocalDesktopService(workerData as CoreOptions);
} catch (err) {
  post({ kind: 'fatal', message: (err as Error).message });
  process.exit(1);
}
for (const event of Object.keys(DesktopEvents) as (keyof typeof DesktopEvents)[]) {
  service.on(event, (payload) => post({ kind: 'event', event, payload }));
}

port.on('message', async (msg: ToWorker) => {
  try {
    if (msg.kind === 'call') {
      post({ kind: 'result', id: msg.id, ok: true, value: await service.handle(msg.name, msg.request as never) });
    } else if (msg.kind === 'idle') {
      await service.engine.idle();
      post({ kind: 'result', id: msg.id, ok: true, value: null });
    } else if (msg.kind === 'close') {
      await service.close();
      post({ kind: 'result', id: msg.id, ok: true, value: null });
      port.close();
    }
  } catch (err) {
    const e = err as Error & { code?: unknown };
    post({ kind: 'result', id: msg.id, ok: false, error: { code: typeof e.code === 'string' ? e.code : 'internal', message: e.message } });
  }
});
post({ kind: 'ready' });
