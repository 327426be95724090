import { expect, type Locator, type Page } from '@playwright/test';

/** The window with a repository open: navigation and the repository chip. */
export class AppShell {
  readonly repositoryLabel: Locator;

  constructor(private readonly page: Page) {
    this.repositoryLabel = page.getByTestId('repository-location-label');
  }

  async expectOpen(location: string): Promise<void> {
    await expect(this.repositoryLabel).toHaveText(location);
  }

  async goTo(screen: 'sources' | 'snapshots' | 'activity'): Promise<void> {
    await this.page.getByTestId(`nav-${screen}`).click();
    await expect(this.page.getByTestId(`${screen}-screen`)).toBeVisible();
  }

  async closeRepository(): Promise<void> {
    await this.page.getByTestId('repository-close').click();
    await expect(this.page.getByTestId('connect-screen')).toBeVisible();
  }
}
