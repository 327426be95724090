import type { Snapshot } from '../../../shared/domain';

export function sampleSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
    short_id: 'a1b2c3d4',
    time: '2026-11-23T10:00:00Z',
    hostname: 'laptop',
    username: 'me',
    group: 'laptop:/home/me/Documents',
    paths: ['/home/me/Documents'],
    sources: [{ kind: 'folder', path: '/home/me/Documents', name: 'Documents' }],
    tags: [],
    parent: null,
    tree: 'f'.repeat(64),
    incomplete: false,
    incomplete_reasons: [],
    stats: {
      files_new: 3,
      files_changed: 0,
      files_unchanged: 0,
      dirs: 1,
      bytes_processed: 1200,
      blobs_added: 3,
      bytes_added: 900,
      bytes_added_raw: 1200,
      duration_ms: 40,
    },
    program_version: '0.1.0',
    ...overrides,
  };
}
