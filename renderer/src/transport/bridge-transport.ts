/**
 * Desktop transport: calls the preload's bridge, which exposes each request by name.
 */
import type { CairnBridge, RequestName } from '../../../shared/contract';
import type { Transport } from '../api';

export function createBridgeTransport(bridge: CairnBridge): Transport {
  return {
    mode: 'desktop',
    send(name: RequestName, args: unknown) {
      const method = bridge[name] as (args: unknown) => ReturnType<CairnBridge[RequestName]>;
      return method(args);
    },
    onJobEvent: (listener) => bridge.onJobEvent(listener),
    // The main process lives as long as the window does.
    onDisconnect: () => () => undefined,
  };
}
