// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../store/app-store';
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
});
