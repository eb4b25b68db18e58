/** Outbound connectors by channel; a connector registered for '*' serves every other channel. */
import type { Channel } from '../../shared/domain';
import type { OutboundConnector } from '../connectors/types';

export class ConnectorRegistry {
  private readonly byChannel = new Map<Channel | '*', OutboundConnector>();

  /** Registers (or replaces) the connector for its channel. */
  register(connector: OutboundConnector): this {
    this.byChannel.set(connector.channel, connector);
    return this;
  }

  unregister(channel: Channel | '*'): void {
    this.byChannel.delete(channel);
  }

  get(channel: Channel): OutboundConnector | null {
    return this.byChannel.get(channel) ?? this.byChannel.get('*') ?? null;
  }
}
