/** Entry for the shells (Electron main, web host): the desktop core running in its worker thread. */
import type { DesktopService } from './service';
import { WorkerDesktopService, type WorkerOptions } from './worker-proxy';

export type { DesktopService } from './service';
export { LocalDesktopService } from './core';
export { WorkerDesktopService } from './worker-proxy';
export { CoreError } from './errors';

export async function createDesktopCore(options: WorkerOptions): Promise<DesktopService & { idle(): Promise<void> }> {
  return WorkerDesktopService.start(options);
}
