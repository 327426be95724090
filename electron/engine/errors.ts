/**
 * Errors the engine reports to people. Each kind carries the CLI exit code (README.md, "Exit codes") so
 * that the CLI, the IPC handlers and the web server all say the same thing the same way.
 * Messages are one line and never contain secrets.
 */
import type { ErrorKind } from '../../shared/domain.js';

export type { ErrorKind };

const exitCodes: Record<ErrorKind, number> = {
  failure: 1,
  incomplete: 3,
  'repository-not-found': 10,
  'repository-locked': 11,
  'wrong-password': 12,
  'repository-exists': 1,
  'format-too-new': 1,
  'target-unreachable': 1,
  'invalid-argument': 1,
  'snapshot-not-found': 1,
  'path-not-found': 1,
  corrupt: 1,
  'read-only': 1,
  'disk-full': 1,
  cancelled: 130,
  'host-key-unknown': 1,
};

export class CairnError extends Error {
  readonly kind: ErrorKind;
  /** Technical detail for the "show details" view; never shown as the headline. */
  readonly detail: string | undefined;

  constructor(kind: ErrorKind, message: string, options?: { detail?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CairnError';
    this.kind = kind;
    this.detail = options?.detail;
  }

  get exitCode(): number {
    return exitCodes[this.kind];
  }
}

export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
