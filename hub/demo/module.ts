/** demo: the demo workspace, seeded with real IBM care conversations and replayed as new posts (demo.ts). */
import { logErrors, type HubLogger, type HubModule, type IngestHooks } from '../api/module';
import type { ChangeLog } from '../sync/changelog';
import { DEMO_WORKSPACE_ID, startDemo, type DemoInfo, type DemoOptions } from './demo';

export interface DemoModule extends HubModule {
  /** once started */
  readonly info: DemoInfo | null;
}

export function demoModule(log: ChangeLog, options: DemoOptions, hooks: IngestHooks, logger: HubLogger): DemoModule {
  let info: DemoInfo | null = null;
  return {
    name: 'demo',
    get info() { return info; },
    async start() {
      // the demo keeps its own team choice (by company); analysis and survey answers are the hub's
      info = await startDemo(log, {
        analyzePost: hooks.analyzerFor?.(DEMO_WORKSPACE_ID), answers: hooks.answers,
        onError: logErrors(logger, 'demo replay failed'), ...options,
      });
    },
    stop: () => info?.stop(),
  };
}
