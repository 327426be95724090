import { expect, type Locator, type Page } from '@playwright/test';
import { FolderPicker } from './folder-picker.js';

/** Sources, "Back up now" and the running backup's card. */
export class SourcesPage {
  readonly root: Locator;
  readonly backupNow: Locator;
  readonly jobCard: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('sources-screen');
    this.backupNow = page.getByTestId('backup-now');
    this.jobCard = this.root.getByTestId('job-card');
  }

  async addFolderByTyping(folder: string): Promise<void> {
    await this.page.getByTestId('folder-path').fill(folder);
    await this.page.getByTestId('folder-add').click();
    await expect(this.folderItem(folder)).toBeVisible();
  }

  /** Through "Browse…": the native dialog on the desktop, Cairn's folder browser on the web. */
  async addFolderByBrowsing(folder: string): Promise<void> {
    await this.page.getByTestId('folder-path-browse').click();
    await new FolderPicker(this.page).choose(folder);
    await expect(this.folderItem(folder)).toBeVisible();
  }

  async removeFolder(folder: string): Promise<void> {
    await this.folderItem(folder).getByTestId('folder-remove').click();
    await expect(this.folderItem(folder)).toHaveCount(0);
  }

  folderItem(folder: string): Locator {
    return this.root.locator(`[data-testid="folder-item"][data-path="${folder}"]`);
  }

  async startBackup(): Promise<void> {
    await this.backupNow.click();
    await expect(this.jobCard).toBeVisible();
  }

  async expectRunningWithProgress(): Promise<void> {
    await expect(this.jobCard).toHaveAttribute('data-status', 'running');
    await expect(this.jobCard.getByTestId('progress-bar')).toBeVisible();
    await expect(this.jobCard.getByTestId('job-rate')).toContainText('/s');
    await expect(this.jobCard.getByTestId('job-eta')).toBeVisible();
  }

  async cancel(): Promise<void> {
    await this.jobCard.getByTestId('job-cancel').click();
    await expect(this.jobCard).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  }

  async waitForSnapshot(): Promise<string> {
    await expect(this.jobCard).toHaveAttribute('data-status', 'succeeded', { timeout: 90_000 });
    return (await this.jobCard.getByTestId('job-snapshot-id').textContent()) ?? '';
  }
}
