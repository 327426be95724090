// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { createAppStore } from '../../store/app-store';
import { StoreProvider } from '../../store/store-context';
import { fakeApi } from '../../testing/fake-api';
import { ConnectScreen } from './connect-screen';

afterEach(cleanup);

function renderWith(api = fakeApi()) {
  const store = createAppStore(api);
  render(
    <StoreProvider store={store}>
      <ConnectScreen />
    </StoreProvider>,
  );
  return store;
}

const type = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('ConnectScreen', () => {
  it('will not create a repository until both passwords match', () => {
    renderWith();
    fireEvent.click(screen.getByTestId('repository-mode-create'));
    type('repository-location', '/backups/cairn');
    type('repository-password', 'one');
    type('repository-password-confirm', 'two');
    expect(screen.getByTestId('repository-password-mismatch')).toBeTruthy();
    expect((screen.getByTestId('repository-submit') as HTMLButtonElement).disabled).toBe(true);
    type('repository-password-confirm', 'one');
    expect((screen.getByTestId('repository-submit') as HTMLButtonElement).disabled).toBe(false);
  });

  it('explains a missing repository in words, and opens the repository once found', async () => {
    let exists = false;
    const store = renderWith(
      fakeApi({
        connectRepository: ({ location }) => {
          if (!exists) {
            throw new ApiError({
              kind: 'repository-not-found',
              message: `repository not found at ${location}`,
            });
          }
          return { location, snapshots: 0 };
        },
        listSnapshots: () => [],
      }),
    );
    type('repository-location', '/backups/cairn');
    type('repository-password', 'secret');
    fireEvent.click(screen.getByTestId('repository-submit'));
    await waitFor(() =>
      expect(screen.getByTestId('repository-error').textContent).toContain(
        'There is no Cairn repository at this location',
      ),
    );
    exists = true;
    fireEvent.click(screen.getByTestId('repository-submit'));
    await waitFor(() => expect(store.getState().repository?.location).toBe('/backups/cairn'));
  });

  it('offers the repositories the host remembers, newest first, and keeps none in the browser', async () => {
    localStorage.clear();
    const store = createAppStore(
      fakeApi({
        getAppInfo: () => appInfo,
        getSessionState: () => ({ repository: null, jobs: [] }),
        listRecentRepositories: () => [
          { location: '/backups/new', credentials: {} },
          { location: '/backups/old', credentials: {} },
        ],
        connectRepository: ({ location }) => ({ location, snapshots: 0 }),
        listSnapshots: () => [],
      }),
    );
    await store.getState().initialize();
    render(
      <StoreProvider store={store}>
        <ConnectScreen />
      </StoreProvider>,
    );
    const location = screen.getByTestId('repository-location') as HTMLInputElement;
    expect(location.value).toBe('/backups/new');
    fireEvent.click(screen.getAllByTestId('recent-repository')[1] as HTMLElement);
    expect(location.value).toBe('/backups/old');
    type('repository-password', 'secret');
    fireEvent.click(screen.getByTestId('repository-submit'));
    await waitFor(() => expect(store.getState().repository?.location).toBe('/backups/old'));
    expect(localStorage.length).toBe(0);
  });

  it('hands a list an older version kept in the browser to the host once, then removes it', async () => {
    localStorage.clear();
    const reference = 'keychain:repository-0123456789abcdef-CAIRN_TARGET_PASSWORD';
    localStorage.setItem('cairn.recent-repositories', JSON.stringify(['https://dav/x', '/local']));
    localStorage.setItem(
      'cairn.repository-credential-references',
      JSON.stringify({ 'https://dav/x': { CAIRN_TARGET_PASSWORD: reference } }),
    );
    const taken: unknown[] = [];
    const api = fakeApi({
      getAppInfo: () => appInfo,
      getSessionState: () => ({ repository: null, jobs: [] }),
      importRecentRepositories: ({ repositories }) => {
        taken.push(...repositories);
        return { imported: repositories.length };
      },
      listRecentRepositories: () => [],
    });
    await createAppStore(api).getState().initialize();
    expect(taken).toEqual([
      { location: 'https://dav/x', credentials: { CAIRN_TARGET_PASSWORD: reference } },
      { location: '/local', credentials: {} },
    ]);
    expect(localStorage.getItem('cairn.recent-repositories')).toBeNull();
    expect(localStorage.getItem('cairn.repository-credential-references')).toBeNull();
    await createAppStore(api).getState().initialize();
    expect(api.calls.filter((c) => c.name === 'importRecentRepositories')).toHaveLength(1);
  });

  it('says when the host could not read its list, and still lets a repository be opened', async () => {
    const store = createAppStore(
      fakeApi({
        getAppInfo: () => appInfo,
        getSessionState: () => ({ repository: null, jobs: [] }),
        listRecentRepositories: () => {
          throw new ApiError({
            kind: 'corrupt',
            message: 'configuration /home/me/.config/cairn/config.json is damaged (not valid JSON)',
          });
        },
      }),
    );
    await store.getState().initialize();
    render(
      <StoreProvider store={store}>
        <ConnectScreen />
      </StoreProvider>,
    );
    expect(screen.getByTestId('recent-repositories-error').textContent).toContain(
      'config.json is damaged',
    );
    expect(
      (screen.getByTestId('repository-mode-open') as HTMLElement).getAttribute('aria-selected'),
    ).toBe('true');
  });
});

const appInfo = {
  mode: 'web' as const,
  version: 'test',
  hostname: 'here',
  home: '/home/me',
  defaultRepository: { location: '/home/me/.config/cairn/repository', exists: false },
};
