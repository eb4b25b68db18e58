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
      // analysis, routing (when on) and survey answers are the hub's; without routing the demo picks a team by company
      info = await startDemo(log, {
        analyzePost: hooks.analyzerFor?.(DEMO_WORKSPACE_ID), route: hooks.route, routeReady: hooks.routeReady, answers: hooks.answers,
        onError: logErrors(logger, 'demo replay failed'), ...options,
      });
    },
    stop: () => info?.stop(),
  };
}
