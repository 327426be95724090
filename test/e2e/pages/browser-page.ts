import { expect, type Locator, type Page } from '@playwright/test';
import { FolderPicker } from './folder-picker.js';

/** The snapshot browser: tree, preview, search and the restore panel. */
export class BrowserPage {
  readonly root: Locator;
  readonly preview: Locator;
  readonly restorePanel: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('browser-screen');
    this.preview = page.getByTestId('preview');
    this.restorePanel = page.getByTestId('restore-panel');
  }

  treeItem(path: string): Locator {
    return this.root.locator(`[data-testid="tree-item"][data-path="${path}"]`);
  }

  /** Opens each folder on the way to `path`, then clicks it. */
  async select(path: string): Promise<void> {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const folder = `/${parts.slice(0, i).join('/')}`;
      const item = this.treeItem(folder);
      if ((await item.locator('xpath=..').getAttribute('aria-expanded')) !== 'true')
        await item.click();
    }
    await this.treeItem(path).click();
  }

  async expectPreviewText(text: string): Promise<void> {
    await expect(this.preview.getByTestId('preview-text')).toContainText(text);
  }

  async search(query: string): Promise<Locator> {
    await this.page.getByTestId('browser-search').fill(query);
    const results = this.page.getByTestId('search-result');
    await expect(results.first()).toBeVisible();
    return results;
  }

  async clearSearch(): Promise<void> {
    await this.page.getByTestId('browser-search').fill('');
    await expect(this.page.getByTestId('tree')).toBeVisible();
  }

  async restore(options: {
    scope: 'all' | 'selected';
    target: string;
    overwrite: 'skip' | 'always' | 'rename';
    browse?: boolean;
  }): Promise<Locator> {
    await this.page.getByTestId('restore-open').click();
    await expect(this.restorePanel).toBeVisible();
    await this.page.getByTestId(`restore-scope-${options.scope}`).check();
    if (options.browse) {
      await this.page.getByTestId('restore-target-browse').click();
      await new FolderPicker(this.page).choose(options.target);
    } else {
      await this.page.getByTestId('restore-target').fill(options.target);
    }
    await this.page.getByTestId('restore-overwrite').selectOption(options.overwrite);
    await this.page.getByTestId('restore-start').click();
    const job = this.restorePanel.getByTestId('job-card');
    await expect(job).toHaveAttribute('data-status', 'succeeded', { timeout: 90_000 });
    return job.getByTestId('job-result');
  }
}
