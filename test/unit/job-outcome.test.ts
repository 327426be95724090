/** The one classification of a finished job that the session and the app both use. */
import { describe, expect, it } from 'vitest';
import type { JobResult } from '../../shared/contract.js';
import type { Snapshot } from '../../shared/domain.js';
import { jobOutcome } from '../../shared/job-outcome.js';

const snapshot = (incomplete: boolean): Snapshot =>
  ({
    id: 'a'.repeat(64),
    short_id: 'aaaaaaaa',
    incomplete,
    incomplete_reasons: [],
  }) as unknown as Snapshot;

const backup = (part: Partial<Extract<JobResult, { kind: 'backup' }>>): JobResult => ({
  kind: 'backup',
  snapshot: snapshot(false),
  snapshots: [{ source: 'folders', kind: 'folders', snapshot: snapshot(false) }],
  failedSources: [],
  warnings: [],
  ...part,
});

describe('jobOutcome', () => {
  it('a backup that saved everything is complete', () => {
    expect(jobOutcome(backup({}))).toEqual({ outcome: 'complete', problems: [] });
  });

  it('a failed API source beside a saved one: completed with warnings, counted', () => {
    const result = backup({
      snapshots: [
        { source: 'folders', kind: 'folders', snapshot: snapshot(false) },
        { source: 'tracker', kind: 'api', snapshot: snapshot(true) },
      ],
      failedSources: [{ source: 'billing', message: 'every endpoint failed' }],
      warnings: [
        { path: '/api/tracker/items.ndjson', message: 'HTTP 500' },
        { path: '/api/tracker/tags.ndjson', message: 'HTTP 500' },
        { path: '/home/me/locked.txt', message: 'permission denied' },
      ],
    });
    expect(jobOutcome(result)).toEqual({
      outcome: 'warnings',
      problems: [
        '1 of 2 API sources not backed up',
        '1 snapshot incomplete',
        '2 endpoints failed',
        '1 item could not be read',
      ],
    });
  });

  it('a restore that left damaged files out: completed with warnings', () => {
    const result: JobResult = {
      kind: 'restore',
      summary: {
        files_restored: 2,
        files_skipped: 0,
        files_renamed: 0,
        bytes_restored: 10,
        warnings: [],
        damaged: [{ path: '/a', message: 'x' }],
      },
    };
    expect(jobOutcome(result)).toEqual({
      outcome: 'warnings',
      problems: ['1 item not restored (damaged)'],
    });
  });

  it('a check is complete whatever it found: its report says what', () => {
    const result: JobResult = {
      kind: 'check',
      report: { ok: false, snapshots: 1, packs: 1, packs_read: 0, blobs: 1, problems: [] },
    };
    expect(jobOutcome(result).outcome).toBe('complete');
  });
});
