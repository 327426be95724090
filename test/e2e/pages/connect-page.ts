import { expect, type Locator, type Page } from '@playwright/test';

/** The first screen: open or create a repository. */
export class ConnectPage {
  readonly root: Locator;
  readonly location: Locator;
  readonly password: Locator;
  readonly confirm: Locator;
  readonly submit: Locator;
  readonly error: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('connect-screen');
    this.location = page.getByTestId('repository-location');
    this.password = page.getByTestId('repository-password');
    this.confirm = page.getByTestId('repository-password-confirm');
    this.submit = page.getByTestId('repository-submit');
    this.error = page.getByTestId('repository-error');
  }

  async expectVisible(): Promise<void> {
    await expect(this.root).toBeVisible();
  }

  async create(location: string, password: string): Promise<void> {
    await this.page.getByTestId('repository-mode-create').click();
    await this.location.fill(location);
    await this.password.fill(password);
    await this.confirm.fill(password);
    await this.submit.click();
  }

  async open(location: string, password: string): Promise<void> {
    await this.page.getByTestId('repository-mode-open').click();
    await this.location.fill(location);
    await this.password.fill(password);
    await this.submit.click();
  }

  async expectError(kind: string, words: RegExp): Promise<void> {
    await expect(this.error).toBeVisible();
    await expect(this.error).toHaveAttribute('data-kind', kind);
    await expect(this.error).toContainText(words);
  }

  async showErrorDetails(): Promise<Locator> {
    await this.page.getByTestId('repository-error-details-toggle').click();
    const details = this.page.getByTestId('repository-error-details');
    await expect(details).toBeVisible();
    return details;
  }
}
