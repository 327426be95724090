/**
 * Passes on at most one value per interval, always delivering the latest value last, so a
 * chatty engine cannot flood the IPC channel or the socket while the UI still ends exact.
 */
export interface Throttled<T> {
  push(value: T): void;
  /** Delivers a pending value now and stops the timer. */
  flush(): void;
}

export function throttle<T>(intervalMs: number, deliver: (value: T) => void): Throttled<T> {
  let last = 0;
  let pending: { value: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const send = (): void => {
    timer = null;
    if (pending === null) return;
    const { value } = pending;
    pending = null;
    last = Date.now();
    deliver(value);
  };

  return {
    push(value) {
      pending = { value };
      const wait = last + intervalMs - Date.now();
      if (wait <= 0) send();
      else timer ??= setTimeout(send, wait);
    },
    flush() {
      if (timer !== null) clearTimeout(timer);
      send();
    },
  };
}
