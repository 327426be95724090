import { describe, expect, it } from 'vitest';
import { applyRetention } from '../../../electron/engine/retention/apply-retention.js';
import { describePolicy, normalizeRules } from '../../../electron/engine/retention/policy.js';
import {
  formatLocalTime,
  formatReasons,
  formatRetentionReport,
} from '../../../electron/engine/retention/retention-report.js';
import { snap } from './helpers.js';

describe('forget output', () => {
  it('joins reasons for one line', () => {
    expect(formatReasons(['last snapshot', 'daily snapshot', 'within 1y6m'])).toBe(
      'last snapshot, daily snapshot, within 1y6m',
    );
  });

  it('describes the policy in words', () => {
    expect(
      describePolicy(
        normalizeRules({ keepLast: 3, keepDaily: -1, keepWithin: '1y6m', keepTag: ['a,b', 'c'] }),
      ),
    ).toBe(
      'keep 3 latest, all daily snapshots and all snapshots tagged a+b or c and all snapshots within 1y6m of the newest',
    );
  });

  it('shows local times with their offset, so a repeated hour is unambiguous', () => {
    expect(formatLocalTime('2024-10-27T00:30:00Z', 'Europe/Berlin')).toBe(
      '2024-10-27 02:30:00 +02:00',
    );
    expect(formatLocalTime('2024-10-27T01:30:00Z', 'Europe/Berlin')).toBe(
      '2024-10-27 02:30:00 +01:00',
    );
    expect(formatLocalTime('2024-11-03T06:30:00Z', 'America/New_York')).toBe(
      '2024-11-03 01:30:00 -05:00',
    );
  });

  it('lists per group what stays with its reasons and what would go', () => {
    const outcome = applyRetention(
      [
        snap('aaaaaaaa11', '2024-10-27T00:30:00Z'),
        snap('bbbbbbbb22', '2024-10-27T01:30:00Z'),
        snap('cccccccc33', '2024-10-27T02:30:00Z', { incomplete: true }),
      ],
      { keepLast: 1 },
      { timeZone: 'Europe/Berlin', now: new Date('2030-01-01T00:00:00Z') },
    );
    if (!outcome.ok) throw outcome.error;
    expect(formatRetentionReport(outcome, { dryRun: true }).split('\n')).toEqual([
      'Applying policy: keep 1 latest snapshots',
      '',
      'group "host/plan":',
      'keep 2 snapshots:',
      '  cccccccc  2024-10-27 03:30:00 +01:00 (incomplete)  newest, incomplete',
      '  bbbbbbbb  2024-10-27 02:30:00 +01:00  last snapshot',
      'would remove 1 snapshot:',
      '  aaaaaaaa  2024-10-27 02:30:00 +02:00',
    ]);
    expect(formatRetentionReport(outcome)).toContain('\nremove 1 snapshot:\n');
  });
});
