import { describe, expect, it } from 'vitest';
import type { ApiRestorePreview } from '../../../../shared/api-restore';
import { ApiError } from '../../api';
import { createAppStore } from '../../store/app-store';
import { fakeApi } from '../../testing/fake-api';
import { apiEndpointOf } from './api-restore-panel';
import type { ApiRestoreOrder } from './api-restore-slice';

const order: ApiRestoreOrder = {
  snapshot: 'abcd1234',
  text: '{"name":"crm"}',
  source: 'crm',
  endpoint: 'tasks',
  selection: { kind: 'ids', ids: ['3'] },
  target: { baseUrl: 'https://new.example.com', secret: 'env:NEW_TOKEN' },
};
const preview: ApiRestorePreview = {
  source: 'crm',
  endpoint: 'tasks',
  baseUrl: 'https://new.example.com',
  total: 1,
  requests: [
    {
      endpoint: 'tasks',
      id: '3',
      method: 'PUT',
      url: 'https://new.example.com/tasks/3',
      body: '{"title":…} (20 bytes)',
    },
  ],
};

describe('restore into an API', () => {
  it('keeps the dry run with the order it was made for, and restores exactly that order', async () => {
    const api = fakeApi({
      previewApiRestore: () => preview,
      startApiRestore: ({ jobId }) => ({ jobId }),
    });
    const store = createAppStore(api);
    await store.getState().previewApiRestore(order);
    expect(store.getState().apiRestorePreview).toEqual({ order, preview });
    const jobId = await store.getState().startApiRestore(store.getState().apiRestorePreview!.order);
    expect(api.calls.at(-1)).toEqual({ name: 'startApiRestore', args: { jobId, ...order } });
    expect(store.getState().jobs[jobId!]?.kind).toBe('restore-api');
  });

  it('shows why a dry run failed and keeps no earlier preview', async () => {
    let fail = false;
    const api = fakeApi({
      previewApiRestore: () => {
        if (fail) throw new ApiError({ kind: 'invalid-argument', message: 'no restore section' });
        return preview;
      },
    });
    const store = createAppStore(api);
    await store.getState().previewApiRestore(order);
    fail = true;
    await store.getState().previewApiRestore(order);
    expect(store.getState().apiRestorePreview).toBeNull();
    expect(store.getState().apiRestoreError).toMatchObject({ message: 'no restore section' });
    store.getState().clearApiRestorePreview();
    expect(store.getState().apiRestoreError).toBeNull();
  });

  it('offers the restore only on an endpoint’s records file', () => {
    expect(apiEndpointOf('/api/crm/tasks.ndjson')).toEqual({ source: 'crm', endpoint: 'tasks' });
    expect(apiEndpointOf('/api/crm/tasks.meta.json')).toBeNull();
    expect(apiEndpointOf('/Documents/tasks.ndjson')).toBeNull();
  });
});
