// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorNotice } from './error-notice';

afterEach(cleanup);

describe('ErrorNotice', () => {
  it('says what went wrong in plain words and keeps the engine’s detail one click away', () => {
    render(
      <ErrorNotice
        error={{ kind: 'wrong-password', message: 'wrong password for repository at /r' }}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain('That password does not unlock');
    expect(screen.queryByTestId('error-notice-details')).toBeNull();
    fireEvent.click(screen.getByTestId('error-notice-details-toggle'));
    expect(screen.getByTestId('error-notice-details').textContent).toBe(
      'wrong-password: wrong password for repository at /r',
    );
  });

  it('falls back to the engine’s sentence for kinds without words of their own', () => {
    render(<ErrorNotice error={{ kind: 'path-not-found', message: 'No file /x here.' }} />);
    expect(screen.getByRole('alert').textContent).toContain('No file /x here.');
  });

  it('names a full disk and a read-only repository in its title, the engine’s sentence below', () => {
    const message =
      'the disk holding the repository at /mnt/usb/repo is full: free space there, then run the backup again';
    render(<ErrorNotice error={{ kind: 'disk-full', message }} />);
    expect(screen.getByRole('alert').querySelector('.notice-title')?.textContent).toBe('Disk full');
    expect(screen.getByRole('alert').textContent).toContain(message);
    cleanup();
    render(<ErrorNotice error={{ kind: 'read-only', message: 'the repository is read-only' }} />);
    expect(screen.getByRole('alert').querySelector('.notice-title')?.textContent).toBe('Read-only');
  });
});
