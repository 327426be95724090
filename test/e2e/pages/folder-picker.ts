import { expect, type Locator, type Page } from '@playwright/test';

/** Web mode's folder dialog over the server's disk. */
export class FolderPicker {
  readonly root: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('folder-picker');
  }

  /** Walks from wherever the dialog opened to `folder` by typing its parent, then clicking it. */
  async choose(folder: string): Promise<void> {
    await expect(this.root).toBeVisible();
    // Type only once the first listing is in, as a person would.
    await expect(this.page.getByTestId('folder-picker-list')).toHaveAttribute('aria-busy', 'false');
    const parent = folder.slice(0, folder.lastIndexOf('/')) || '/';
    const path = this.page.getByTestId('folder-picker-path');
    await path.fill(parent);
    await path.press('Enter');
    await this.root.locator(`[data-testid="folder-picker-entry"][data-path="${folder}"]`).click();
    await expect(path).toHaveValue(folder);
    await this.page.getByTestId('folder-picker-select').click();
    await expect(this.root).toBeHidden();
  }
}
