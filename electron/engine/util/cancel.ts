import { CairnError } from '../errors.js';

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CairnError('cancelled', 'cancelled');
}
