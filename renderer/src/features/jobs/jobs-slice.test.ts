import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api';
import { createAppStore } from '../../store/app-store';
import { fakeApi } from '../../testing/fake-api';
import { sampleSnapshot } from '../../testing/sample-snapshot';

const progress = {
  phase: 'backup' as const,
  files_done: 1,
  files_total: 4,
  bytes_done: 50,
  bytes_total: 100,
  rate: 10,
  eta_s: 5,
  current: '/home/me/a.txt',
};

describe('jobs slice', () => {
  it('follows a backup from start to snapshot and then refreshes the snapshot list', async () => {
    const snapshot = sampleSnapshot();
    let listed = 0;
    const api = fakeApi({
      startBackup: ({ jobId }) => ({ jobId }),
      listSnapshots: () => {
        listed++;
        return [snapshot];
      },
    });
    const store = createAppStore(api);
    store.setState({ folders: ['/home/me/Documents'] });

    const jobId = await store.getState().startBackup();
    expect(jobId).not.toBeNull();
    const id = jobId as string;
    expect(api.calls.at(-1)).toEqual({
      name: 'startBackup',
      args: { jobId: id, paths: ['/home/me/Documents'], apiSources: [] },
    });
    expect(store.getState().jobs[id]?.status).toBe('running');

    api.emit({ type: 'progress', jobId: id, progress });
    expect(store.getState().jobs[id]?.progress).toEqual(progress);

    api.emit({
      type: 'succeeded',
      jobId: id,
      result: {
        kind: 'backup',
        snapshot,
        snapshots: [{ source: 'folders', kind: 'folders', snapshot }],
        failedSources: [],
        warnings: [],
      },
    });
    expect(store.getState().jobs[id]?.status).toBe('succeeded');
    await vi.waitFor(() => expect(store.getState().snapshots).toEqual([snapshot]));
    expect(listed).toBe(1);
  });

  it('tracks a job before its start request answers, so early events are not lost', async () => {
    let seenBeforeAnswer = false;
    const api = fakeApi({
      startBackup: ({ jobId }) => {
        api.emit({ type: 'progress', jobId, progress });
        seenBeforeAnswer = store.getState().jobs[jobId]?.progress !== null;
        return { jobId };
      },
    });
    const store = createAppStore(api);
    store.setState({ folders: ['/data'] });
    await store.getState().startBackup();
    expect(seenBeforeAnswer).toBe(true);
  });

  it('drops a job that could not start and keeps its error for the screen', async () => {
    const api = fakeApi({
      startBackup: () => {
        throw new ApiError({ kind: 'not-connected', message: 'Open a repository first.' });
      },
    });
    const store = createAppStore(api);
    expect(await store.getState().startBackup()).toBeNull();
    expect(store.getState().jobOrder).toEqual([]);
    expect(store.getState().jobStartError).toEqual({
      kind: 'not-connected',
      message: 'Open a repository first.',
    });
  });

  it('marks a cancel request at once and the outcome when the host reports it', async () => {
    const api = fakeApi({
      startRestore: ({ jobId }) => ({ jobId }),
      cancelJob: () => ({ cancelled: true }),
    });
    const store = createAppStore(api);
    const id = (await store
      .getState()
      .startRestore({ snapshot: 'latest', target: '/tmp/x', overwrite: 'skip' })) as string;
    await store.getState().cancelJob(id);
    expect(store.getState().jobs[id]?.cancelRequested).toBe(true);
    api.emit({ type: 'cancelled', jobId: id });
    expect(store.getState().jobs[id]?.status).toBe('cancelled');
  });

  it('keeps a restore that left damaged files out as done but incomplete', async () => {
    const api = fakeApi({ startRestore: ({ jobId }) => ({ jobId }) });
    const store = createAppStore(api);
    const id = (await store
      .getState()
      .startRestore({ snapshot: 'latest', target: '/tmp/x', overwrite: 'skip' })) as string;
    const damaged = [{ path: '/docs/a.txt', message: 'damaged or altered' }];
    api.emit({
      type: 'succeeded',
      jobId: id,
      incomplete: true,
      result: {
        kind: 'restore',
        summary: {
          files_restored: 1,
          files_skipped: 0,
          files_renamed: 0,
          bytes_restored: 1,
          warnings: [],
          damaged,
        },
      },
    });
    expect(store.getState().jobs[id]).toMatchObject({ status: 'succeeded', incomplete: true });
    store.getState().adoptJobs([
      {
        jobId: 'job-bbbbbbbb',
        kind: 'restore',
        status: 'succeeded',
        incomplete: true,
        startedAt: 'x',
        progress: null,
      },
    ]);
    expect(store.getState().jobs['job-bbbbbbbb']?.incomplete).toBe(true);
  });

  it('adopts jobs the host already runs after a page reload', () => {
    const store = createAppStore(fakeApi());
    store
      .getState()
      .adoptJobs([
        { jobId: 'job-aaaaaaaa', kind: 'check', status: 'running', startedAt: 'x', progress },
      ]);
    expect(store.getState().jobOrder).toEqual(['job-aaaaaaaa']);
    expect(store.getState().jobs['job-aaaaaaaa']?.progress).toEqual(progress);
  });
});
