/**
 * Snapshot times are RFC 3339 strings (the CLI's JSON and argument contract, README.md). Date.parse would accept far more (and read
 * some forms in local time), so the format is checked here; digits past the millisecond are
 * kept for ordering two snapshots taken within one millisecond.
 */
export interface SnapshotInstant {
  /** Milliseconds since the epoch. */
  ms: number;
  /** Nanoseconds past `ms` (0–999 999). */
  nanos: number;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

export function parseSnapshotTime(text: string): SnapshotInstant | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = Number((m[7] ?? '').padEnd(9, '0'));
  const base = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(base);
  // Date.UTC rolls 31 April over to 1 May; a real RFC 3339 time never needs that.
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  const offsetMinutes = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  return {
    ms: base - offsetMinutes * 60_000 + Math.floor(fraction / 1_000_000),
    nanos: fraction % 1_000_000,
  };
}

/** Negative when `a` is earlier than `b`. */
export function compareInstants(a: SnapshotInstant, b: SnapshotInstant): number {
  return a.ms - b.ms || a.nanos - b.nanos;
}
