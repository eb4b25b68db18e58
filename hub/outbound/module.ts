/**
 * outbound: replies and survey questions leave through connectors (registry.ts: one per channel,
 * the sandbox for every channel unless replaced), sent by the dispatcher (dispatcher.ts) with
 * retries, delivery states written through the change log.
 */
import { logErrors, type HubLogger, type HubModule } from '../api/module';
import { SandboxConnector } from '../connectors/sandbox';
import type { OutboundConnector } from '../connectors/types';
import type { ChangeLog } from '../sync/changelog';
import { Dispatcher, type DispatcherOptions } from './dispatcher';
import { ConnectorRegistry } from './registry';

export interface OutboundOptions {
  /** register the sandbox connector for every channel (default true) */
  sandbox?: boolean;
  /** registered after the sandbox connector; a connector for a channel replaces '*' for it */
  connectors?: OutboundConnector[];
  /** false: no dispatcher (tests that drive delivery by hand) */
  dispatcher?: DispatcherOptions | false;
}

export interface OutboundModule extends HubModule {
  registry: ConnectorRegistry;
  sandbox: SandboxConnector | null;
  dispatcher: Dispatcher | null;
}

export function outboundModule(log: ChangeLog, options: OutboundOptions, logger: HubLogger): OutboundModule {
  const registry = new ConnectorRegistry();
  const sandbox = options.sandbox === false ? null : new SandboxConnector(log.db);
  if (sandbox) registry.register(sandbox);
  for (const c of options.connectors ?? []) registry.register(c);
  const dispatcher = options.dispatcher === false ? null : new Dispatcher(log, registry, {
    onError: logErrors(logger, 'delivery failed'), log: (line) => logger.debug(line), ...options.dispatcher,
  });
  return {
    name: 'outbound', registry, sandbox, dispatcher,
    start: () => dispatcher?.start(),
    stop: () => dispatcher?.stop(),
  };
}
