/**
 * A test double of the API for store and component tests: each request answers from a handler
 * the test provides, and the test can push job events as the host would.
 */
import type { ArgsOf, JobEvent, RequestName, ResultOf } from '../../../shared/contract';
import { ApiError, type CairnApi } from '../api';

type Handlers = { [N in RequestName]?: (args: ArgsOf<N>) => ResultOf<N> | Promise<ResultOf<N>> };

export interface FakeApi extends CairnApi {
  calls: { name: RequestName; args: unknown }[];
  emit(event: JobEvent): void;
  disconnect(): void;
}

export function fakeApi(handlers: Handlers = {}): FakeApi {
  const listeners = new Set<(event: JobEvent) => void>();
  const disconnectListeners = new Set<() => void>();
  const calls: { name: RequestName; args: unknown }[] = [];
  return {
    mode: 'web',
    calls,
    async call(name, args) {
      calls.push({ name, args });
      const handler = handlers[name] as ((args: unknown) => unknown) | undefined;
      if (handler === undefined) {
        throw new ApiError({ kind: 'failure', message: `no fake for ${name}` });
      }
      return (await handler(args)) as ResultOf<typeof name>;
    },
    onJobEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onDisconnect(listener) {
      disconnectListeners.add(listener);
      return () => disconnectListeners.delete(listener);
    },
    emit: (event) => listeners.forEach((l) => l(event)),
    disconnect: () => disconnectListeners.forEach((l) => l()),
  };
}

/** A promise the test resolves when it wants, to order answers deliberately. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
