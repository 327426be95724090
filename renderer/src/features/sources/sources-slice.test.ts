// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import type { SavedSources } from '../../../../shared/contract';
import { createAppStore } from '../../store/app-store';
import { ApiError } from '../../api';
import { fakeApi } from '../../testing/fake-api';

/** A stand-in for the host's saved sources, as config.json would keep them, by repository. */
function host() {
  const kept = new Map<string, SavedSources>();
  const at = (location: string) => {
    if (!kept.has(location)) kept.set(location, { folders: [], apiSources: [] });
    return kept.get(location)!;
  };
  let ids = 0;
  const handlers = {
    connectRepository: ({ location }: { location: string }) => ({ location, snapshots: 0 }),
    disconnectRepository: () => null,
    listSnapshots: () => [],
    listSavedSources: ({ location }: { location: string }) => structuredClone(at(location)),
    addSourceFolder: ({ location, path }: { location: string; path: string }) => {
      if (!path.startsWith('/')) {
        throw new ApiError({ kind: 'invalid-argument', message: `${path} is not a full path` });
      }
      if (!at(location).folders.includes(path)) at(location).folders.push(path);
      return structuredClone(at(location));
    },
    removeSourceFolder: ({ location, path }: { location: string; path: string }) => {
      at(location).folders = at(location).folders.filter((f) => f !== path);
      return structuredClone(at(location));
    },
    saveApiSource: ({ location, id, text }: { location: string; id?: string; text: string }) => {
      if (text.includes('inline')) {
        throw new ApiError({ kind: 'invalid-argument', message: 'Not kept: auth.token …' });
      }
      const saved = id ?? `host-${++ids}`;
      const list = at(location).apiSources.filter((s) => s.id !== saved);
      at(location).apiSources = [...list, { id: saved, text }];
      return { id: saved };
    },
    removeApiSource: ({ location, id }: { location: string; id: string }) => {
      at(location).apiSources = at(location).apiSources.filter((s) => s.id !== id);
      return null;
    },
    validateApiSource: ({ text }: { text: string }) => ({
      available: true,
      ok: text.startsWith('{'),
      name: 'tracker',
      endpoints: ['tasks'],
      problems: [],
    }),
  };
  return { kept, handlers };
}

describe('sources slice', () => {
  it('offers the folders and definitions the host keeps for a repository, and only with that one', async () => {
    const { kept, handlers } = host();
    const first = createAppStore(fakeApi(handlers));
    await first.getState().connectRepository('/backups/a', 'pw');
    expect(await first.getState().addFolder('/home/me/Documents')).toBe(true);
    await first.getState().addFolder(' /home/me/Documents ');
    await first.getState().addFolder('/home/me/Photos');
    await first.getState().removeFolder('/home/me/Photos');
    expect(first.getState().folders).toEqual(['/home/me/Documents']);
    const id = first.getState().addApiSource('{"name": "tracker"}');
    const draft = () => first.getState().apiSources.find((d) => d.id === id);
    await vi.waitFor(() => expect(draft()?.savedId).toBe('host-1'));
    // Edited: kept under the same id once valid again; invalid text is not kept.
    first.getState().updateApiSource(id, 'half-typed');
    await first.getState().validateApiSource(id);
    first.getState().updateApiSource(id, '{"name": "tracker", "v": 2}');
    await first.getState().validateApiSource(id);
    expect(kept.get('/backups/a')).toEqual({
      folders: ['/home/me/Documents'],
      apiSources: [{ id: 'host-1', text: '{"name": "tracker", "v": 2}' }],
    });
    await first.getState().disconnectRepository();
    expect(first.getState().folders).toEqual([]);
    expect(first.getState().apiSources).toEqual([]);

    const later = createAppStore(fakeApi(handlers));
    await later.getState().connectRepository('/backups/a', 'pw');
    await vi.waitFor(() => expect(later.getState().folders).toEqual(['/home/me/Documents']));
    expect(later.getState().apiSources).toMatchObject([
      { text: '{"name": "tracker", "v": 2}', savedId: 'host-1' },
    ]);
    await later.getState().disconnectRepository();
    await later.getState().connectRepository('/backups/b', 'pw');
    await vi.waitFor(() => expect(later.getState().sourcesError).toBeNull());
    expect(later.getState().folders).toEqual([]);
    expect(later.getState().apiSources).toEqual([]);
    expect(localStorage.length).toBe(0);
  });

  it('shows the host’s refusal of a folder and of a definition with a secret in it', async () => {
    const { kept, handlers } = host();
    const store = createAppStore(fakeApi(handlers));
    await store.getState().connectRepository('/backups/a', 'pw');
    expect(await store.getState().addFolder('Documents')).toBe(false);
    expect(store.getState().folderError).toMatchObject({
      kind: 'invalid-argument',
      message: 'Documents is not a full path',
    });
    expect(store.getState().folders).toEqual([]);
    await store.getState().addFolder('/home/me/Documents');
    expect(store.getState().folderError).toBeNull();

    const id = store.getState().addApiSource('{"token": "inline"}');
    const draft = () => store.getState().apiSources.find((d) => d.id === id);
    await vi.waitFor(() => expect(draft()?.saveError).toBe('Not kept: auth.token …'));
    expect(draft()?.savedId).toBeNull();
    store.getState().removeApiSource(id);
    expect(kept.get('/backups/a')?.apiSources).toEqual([]);
  });

  it('hands folders an older version kept in the browser to the host once', async () => {
    localStorage.setItem('cairn.folders./backups/a', JSON.stringify(['/home/me/old', 7]));
    localStorage.setItem('cairn.folders./backups/b', JSON.stringify(['/media/usb']));
    localStorage.setItem('cairn.theme', 'dark');
    const taken: unknown[] = [];
    let refuse = true;
    const api = fakeApi({
      getAppInfo: () => ({
        mode: 'web',
        version: 'test',
        hostname: 'here',
        home: '/home/me',
        defaultRepository: { location: '/home/me/.cairn/repository', exists: false },
      }),
      getSessionState: () => ({ repository: null, jobs: [] }),
      listRecentRepositories: () => [],
      importSourceFolders: (args) => {
        if (refuse && args.location === '/backups/b') {
          throw new ApiError({ kind: 'corrupt', message: 'configuration … is damaged' });
        }
        taken.push(args);
        return { imported: args.folders.length };
      },
    });
    await createAppStore(api).getState().initialize();
    expect(taken).toEqual([{ location: '/backups/a', folders: ['/home/me/old'] }]);
    expect(localStorage.getItem('cairn.folders./backups/a')).toBeNull();
    expect(localStorage.getItem('cairn.folders./backups/b')).not.toBeNull(); // tried again later
    refuse = false;
    await createAppStore(api).getState().initialize();
    expect(taken).toHaveLength(2);
    expect(localStorage.getItem('cairn.folders./backups/b')).toBeNull();
    expect(localStorage.getItem('cairn.theme')).toBe('dark');
    localStorage.clear();
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
