import type {
  GroupRetention,
  RetentionSnapshot,
} from '../../../electron/engine/retention/apply-retention.js';

export interface TestSnapshot extends RetentionSnapshot {
  tags: string[];
}

export function snap(
  id: string,
  time: string,
  extra: { group?: string; tags?: string[]; incomplete?: boolean } = {},
): TestSnapshot {
  return {
    id,
    time,
    group: extra.group ?? 'host/plan',
    tags: extra.tags ?? [],
    incomplete: extra.incomplete ?? false,
  };
}

/** id → reasons of the kept snapshots, and the removed ids, of one group. */
export function summary(group: GroupRetention<TestSnapshot> | undefined): {
  keep: Record<string, string[]>;
  remove: string[];
} {
  if (!group) throw new Error('group missing');
  return {
    keep: Object.fromEntries(group.keep.map((k) => [k.snapshot.id, k.reasons])),
    remove: group.remove.map((s) => s.id),
  };
}

/** Snapshots every `stepMs` from `startIso`, ids s00, s01, … (oldest first). */
export function series(startIso: string, count: number, stepMs: number): TestSnapshot[] {
  const start = Date.parse(startIso);
  return Array.from({ length: count }, (_, i) =>
    snap(`s${String(i).padStart(2, '0')}`, new Date(start + i * stepMs).toISOString()),
  );
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
