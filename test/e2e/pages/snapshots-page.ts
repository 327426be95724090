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

  async open(shortId: string): Promise<void> {
    await this.row(shortId).getByTestId('snapshot-open').click();
    await expect(this.page.getByTestId('browser-screen')).toBeVisible();
  }
}
