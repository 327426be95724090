/**
 * retention never removes a complete snapshot because of a newer incomplete one.
 */
import { describe, expect, it } from 'vitest';
import { applyRetention } from '../../../electron/engine/retention/apply-retention.js';
import type { RetentionRules } from '../../../electron/engine/retention/policy.js';
import { DAY, HOUR, snap, summary, type TestSnapshot } from './helpers.js';

const OPTIONS = { timeZone: 'Europe/Berlin', now: new Date('2030-01-01T00:00:00Z') };

function only(snapshots: TestSnapshot[], rules: RetentionRules) {
  const outcome = applyRetention(snapshots, rules, OPTIONS);
  if (!outcome.ok) throw outcome.error;
  return summary(outcome.groups[0]);
}

describe('incomplete snapshots', () => {
  it('do not take a complete snapshot’s place in keep-last or a daily bucket', () => {
    const list = [
      snap('complete', '2024-05-01T08:00:00Z'),
      snap('failed', '2024-05-01T12:00:00Z', { incomplete: true }),
    ];
    expect(only(list, { keepLast: 1 }).keep).toEqual({
      failed: ['newest, incomplete'],
      complete: ['last snapshot'],
    });
    expect(only(list, { keepDaily: 1 }).keep).toEqual({
      failed: ['newest, incomplete'],
      complete: ['daily snapshot'],
    });
  });

  it('keep every incomplete snapshot newer than the newest complete one, and count none', () => {
    const list = [
      snap('c1', '2024-05-01T00:00:00Z'),
      snap('c2', '2024-05-02T00:00:00Z'),
      snap('c3', '2024-05-03T00:00:00Z'),
      snap('i1', '2024-05-04T00:00:00Z', { incomplete: true }),
      snap('i2', '2024-05-05T00:00:00Z', { incomplete: true }),
    ];
    expect(only(list, { keepLast: 2 })).toEqual({
      keep: {
        i2: ['newest, incomplete'],
        i1: ['newest, incomplete'],
        c3: ['last snapshot'],
        c2: ['last snapshot'],
      },
      remove: ['c1'],
    });
  });

  it('are removed once a newer complete snapshot exists, unless a rule keeps them', () => {
    const list = [
      snap('c1', '2024-05-01T00:00:00Z'),
      snap('i1', '2024-05-02T00:00:00Z', { incomplete: true }),
      snap('i2', '2024-05-03T00:00:00Z', { incomplete: true, tags: ['manual'] }),
      snap('c2', '2024-05-04T00:00:00Z'),
    ];
    expect(only(list, { keepDaily: 7, keepTag: ['manual'] })).toEqual({
      keep: {
        c2: ['daily snapshot'],
        i2: ['has tag manual'],
        c1: ['daily snapshot'],
      },
      remove: ['i1'],
    });
  });

  it('are all kept while a group has no complete snapshot yet', () => {
    const list = [
      snap('i1', '2024-05-01T00:00:00Z', { incomplete: true }),
      snap('i2', '2024-05-02T00:00:00Z', { incomplete: true }),
    ];
    expect(only(list, { keepLast: 1 }).remove).toEqual([]);
  });

  it('do not become the oldest snapshot kept while counts are left', () => {
    const list = [
      snap('i0', '2024-05-01T06:00:00Z', { incomplete: true }),
      snap('c1', '2024-05-01T08:00:00Z'),
      snap('c2', '2024-05-01T10:00:00Z'),
    ];
    expect(only(list, { keepDaily: 5 })).toEqual({
      keep: { c2: ['daily snapshot'], c1: ['oldest daily snapshot'] },
      remove: ['i0'],
    });
  });

  it('do not move the keep-within window past the newest complete snapshot', () => {
    const list = [
      snap('old', '2023-01-01T00:00:00Z'),
      snap('complete', '2024-01-01T00:00:00Z'),
      snap('within', '2023-12-15T00:00:00Z', { incomplete: true }),
      snap('failing', '2025-06-01T00:00:00Z', { incomplete: true }),
    ];
    expect(only(list, { keepWithin: '1m' })).toEqual({
      keep: {
        failing: ['newest, incomplete', 'within 1m'],
        complete: ['within 1m'],
        within: ['within 1m'],
      },
      remove: ['old'],
    });
  });

  it('never change which complete snapshots are kept (random histories)', () => {
    let seed = 42;
    const random = (): number => {
      // mulberry32: a fixed sequence, so a failure reproduces.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = (): number => [0, 0, 1, 2, 3, -1][Math.floor(random() * 6)] ?? 0;
    for (let round = 0; round < 200; round += 1) {
      let t = Date.parse('2023-01-01T00:00:00Z');
      const list: TestSnapshot[] = [];
      for (let i = 0; i < 40; i += 1) {
        t += Math.floor(random() * 3 * DAY) + HOUR;
        list.push(
          snap(`s${round}-${i}`, new Date(t).toISOString(), {
            incomplete: random() < 0.3,
            tags: random() < 0.1 ? ['keep'] : [],
          }),
        );
      }
      const rules: RetentionRules = {
        keepLast: pick(),
        keepHourly: pick(),
        keepDaily: pick(),
        keepWeekly: pick(),
        keepMonthly: pick(),
        keepYearly: pick(),
        keepTag: random() < 0.3 ? ['keep'] : [],
        ...(random() < 0.4 ? { keepWithin: `${1 + Math.floor(random() * 20)}d` } : {}),
      };
      const all = applyRetention(list, rules, OPTIONS);
      const completeOnly = applyRetention(
        list.filter((s) => !s.incomplete),
        rules,
        OPTIONS,
      );
      if (!all.ok || !completeOnly.ok) {
        expect(all.ok).toBe(completeOnly.ok);
        continue;
      }
      const keptComplete = (all.groups[0]?.keep ?? []).filter((k) => !k.snapshot.incomplete);
      expect(keptComplete).toEqual(completeOnly.groups[0]?.keep ?? []);
      const kept = all.groups[0]?.keep.length ?? 0;
      expect(kept + (all.groups[0]?.remove.length ?? 0)).toBe(list.length);
    }
  });
});
