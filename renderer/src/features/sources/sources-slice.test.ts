// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../store/app-store';
import { ApiError } from '../../api';
import { fakeApi } from '../../testing/fake-api';

const api = () =>
  fakeApi({
    connectRepository: ({ location }) => ({ location, snapshots: 0 }),
    disconnectRepository: () => null,
    listSnapshots: () => [],
  });

describe('sources slice', () => {
  it('offers the folders last used with a repository again, and only with that one', async () => {
    const first = createAppStore(api());
    await first.getState().connectRepository('/backups/a', 'pw');
    first.getState().addFolder('/home/me/Documents');
    first.getState().addFolder(' /home/me/Documents ');
    first.getState().addFolder('/home/me/Photos');
    first.getState().removeFolder('/home/me/Photos');
    expect(first.getState().folders).toEqual(['/home/me/Documents']);
    await first.getState().disconnectRepository();
    expect(first.getState().folders).toEqual([]);

    const later = createAppStore(api());
    await later.getState().connectRepository('/backups/a', 'pw');
    expect(later.getState().folders).toEqual(['/home/me/Documents']);
    await later.getState().disconnectRepository();
    await later.getState().connectRepository('/backups/b', 'pw');
    expect(later.getState().folders).toEqual([]);
  });

  it('keeps the test request’s answer with the text it was made for, or its error', async () => {
    const answer = {
      source: 'tracker',
      endpoints: [
        {
          endpoint: 'tasks',
          url: 'http://127.0.0.1:1/api/tasks',
          status: 200,
          records: 2,
          sample: ['{\n  "id": 1\n}'],
          nextPage: null,
          error: null,
        },
      ],
    };
    const store = createAppStore(
      fakeApi({
        validateApiSource: () => ({
          available: true,
          ok: true,
          name: 'tracker',
          endpoints: ['tasks'],
          problems: [],
        }),
        testApiSource: ({ text }) => {
          if (text === 'broken') {
            throw new ApiError({ kind: 'invalid-argument', message: 'not valid JSON' });
          }
          return answer;
        },
      }),
    );
    const id = store.getState().addApiSource('{"name": "tracker"}');
    await store.getState().testApiSource(id);
    const draft = () => store.getState().apiSources.find((d) => d.id === id);
    expect(draft()).toMatchObject({
      testing: false,
      testError: null,
      test: { text: '{"name": "tracker"}', result: answer },
    });

    store.getState().updateApiSource(id, 'broken');
    await store.getState().testApiSource(id);
    expect(draft()).toMatchObject({
      testing: false,
      test: null,
      testError: { kind: 'invalid-argument', message: 'not valid JSON' },
    });
  });

  it('sends the API sources with Back up now', async () => {
    const sent: unknown[] = [];
    const store = createAppStore(
      fakeApi({
        connectRepository: ({ location }) => ({ location, snapshots: 0 }),
        listSnapshots: () => [],
        validateApiSource: () => ({
          available: true,
          ok: true,
          name: 'a',
          endpoints: [],
          problems: [],
        }),
        startBackup: (args) => {
          sent.push(args);
          return { jobId: args.jobId };
        },
      }),
    );
    await store.getState().connectRepository('/backups/c', 'pw');
    store.getState().addApiSource('{"name": "a"}');
    store.getState().addApiSource('   ');
    await store.getState().startBackup();
    expect(sent).toEqual([
      expect.objectContaining({ paths: [], apiSources: [{ text: '{"name": "a"}' }] }),
    ]);
  });
});
