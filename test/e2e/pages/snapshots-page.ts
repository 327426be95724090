import { expect, type Locator, type Page } from '@playwright/test';

export class SnapshotsPage {
  readonly root: Locator;
  readonly rows: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('snapshots-screen');
    this.rows = page.getByTestId('snapshot-row');
  }

  row(shortId: string): Locator {
    return this.rows.filter({ hasText: shortId });
  }

  /** Runs "Check repository" and returns its result once done. */
  async check(): Promise<Locator> {
    await this.page.getByTestId('check-start').click();
    const job = this.root.getByTestId('job-card');
    await expect(job).toHaveAttribute('data-status', 'succeeded', { timeout: 90_000 });
    return job.getByTestId('job-result');
  }

  async open(shortId: string): Promise<void> {
    await this.row(shortId).getByTestId('snapshot-open').click();
    await expect(this.page.getByTestId('browser-screen')).toBeVisible();
  }
}
