/**
 * The renderer's one way to reach the engine: a typed client over the contract. On the desktop
 * it rides `window.cairn` (the preload's bridge); in a browser it rides the WebSocket of
 * `cairn serve`. Both unwrap the host's envelopes and throw `ApiError` for failures.
 */
import type {
  AppMode,
  ArgsOf,
  CairnBridge,
  ContractError,
  ContractErrorKind,
  Envelope,
  JobEvent,
  RequestName,
  ResultOf,
} from '../../shared/contract';
import { createBridgeTransport } from './transport/bridge-transport';
import { createSocketTransport } from './transport/socket-transport';

export interface Transport {
  mode: AppMode;
  send(name: RequestName, args: unknown): Promise<Envelope<unknown>>;
  onJobEvent(listener: (event: JobEvent) => void): () => void;
  /** Called when the host goes away (web mode: the socket closed for good). */
  onDisconnect(listener: () => void): () => void;
}

export interface CairnApi {
  readonly mode: AppMode;
  call<N extends RequestName>(name: N, args: ArgsOf<N>): Promise<ResultOf<N>>;
  onJobEvent(listener: (event: JobEvent) => void): () => void;
  onDisconnect(listener: () => void): () => void;
}

export class ApiError extends Error {
  readonly kind: ContractErrorKind;
  readonly detail: string | undefined;

  constructor(error: ContractError) {
    super(error.message);
    this.name = 'ApiError';
    this.kind = error.kind;
    this.detail = error.detail;
  }

  toContractError(): ContractError {
    return this.detail === undefined
      ? { kind: this.kind, message: this.message }
      : { kind: this.kind, message: this.message, detail: this.detail };
  }
}

export function createApi(transport: Transport): CairnApi {
  return {
    mode: transport.mode,
    async call(name, args) {
      const envelope = await transport.send(name, args);
      if (!envelope.ok) throw new ApiError(envelope.error);
      return envelope.value as ResultOf<typeof name>;
    },
    onJobEvent: (listener) => transport.onJobEvent(listener),
    onDisconnect: (listener) => transport.onDisconnect(listener),
  };
}

declare global {
  interface Window {
    cairn?: CairnBridge;
  }
}

/** Desktop when the preload exposed its bridge, else web mode on this page's own server. */
export function connectApi(): CairnApi {
  if (window.cairn !== undefined) return createApi(createBridgeTransport(window.cairn));
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createApi(createSocketTransport(`${scheme}//${window.location.host}/ws`));
}

/** Any thrown value as a ContractError, for showing it. */
export function asContractError(err: unknown): ContractError {
  if (err instanceof ApiError) return err.toContractError();
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'failure', message: 'Something went wrong.', detail: message };
}
