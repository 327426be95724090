/**
 * Permanent damage met while reading the repository: a file whose bytes no longer match its
 * name, fail authentication or do not parse. Unlike a failed read (the target's fault, which may
 * pass and stops the operation), such a file will never read again, so operations work around
 * it and say so once per file. `cairn repair` removes or replaces it.
 */
import { CairnError } from '../errors.js';

export interface RepositoryWarning {
  /** A snapshot file (skipped), an index file (pack headers read instead) or a pack (left out). */
  kind: 'snapshot' | 'index' | 'pack';
  /** The file's name. */
  id: string;
  /** One line for people: the file, what was done instead, and what repairs it. */
  message: string;
  /** What is wrong with the file. */
  reason: string;
}

/** A read that failed because the bytes are wrong, not because they could not be read. */
export function isPermanentDamage(err: unknown): boolean {
  return err instanceof CairnError && err.kind === 'corrupt' && !isMissing(err);
}

/** loadJson's error for a file listed a moment ago and gone since (removed meanwhile). */
export function isMissing(err: unknown): boolean {
  return (
    err instanceof CairnError && (err.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
  );
}

/** What this process found damaged, each file once, passed on to a listener as found. */
export class DamageLog {
  private readonly seen = new Set<string>();
  readonly warnings: RepositoryWarning[] = [];
  listener: ((warning: RepositoryWarning) => void) | undefined;

  report(warning: RepositoryWarning): void {
    const key = `${warning.kind}/${warning.id}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.warnings.push(warning);
    this.listener?.(warning);
  }

  /**
   * Drops what was said of files of `kind` that are gone (a repair or forget removed them), so a
   * long-lived host stops repeating it; found damaged again, a file is said again.
   */
  forgetGone(kind: RepositoryWarning['kind'], stillThere: (id: string) => boolean): void {
    for (let i = this.warnings.length - 1; i >= 0; i--) {
      const w = this.warnings[i]!;
      if (w.kind !== kind || stillThere(w.id)) continue;
      this.warnings.splice(i, 1);
      this.seen.delete(`${kind}/${w.id}`);
    }
  }

  ids(kind: RepositoryWarning['kind']): string[] {
    return this.warnings.filter((w) => w.kind === kind).map((w) => w.id);
  }
}

/** The reason in a damage error's message, without the name of the file it is about. */
export function damageReason(err: unknown, what: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const reason = message.startsWith(what + ' ') ? message.slice(what.length + 1) : message;
  return reason.replace(/ \(damaged\)$/, '');
}
