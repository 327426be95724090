// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { createAppStore } from '../../store/app-store';
import { StoreProvider } from '../../store/store-context';
import { fakeApi } from '../../testing/fake-api';
import { ConnectScreen } from './connect-screen';
import { rememberRepository } from './recent-repositories';

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

  it('offers recently opened repositories, newest first, and never stores a password', async () => {
    localStorage.clear();
    const store = renderWith(
      fakeApi({
        connectRepository: ({ location }) => ({ location, snapshots: 0 }),
        listSnapshots: () => [],
      }),
    );
    cleanup();
    rememberRepository('/backups/old');
    rememberRepository('/backups/new');
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
    expect(JSON.stringify({ ...localStorage })).not.toContain('secret');
    expect(JSON.parse(localStorage.getItem('cairn.recent-repositories') ?? '[]')).toEqual([
      '/backups/old',
      '/backups/new',
    ]);
  });
});
