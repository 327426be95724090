import { expect, type Locator, type Page } from '@playwright/test';

/** One API source in the sources screen: its definition editor and the test request's answer. */
export class ApiSourceEditor {
  readonly root: Locator;
  readonly testResult: Locator;

  constructor(
    private readonly page: Page,
    index = 0,
  ) {
    this.root = page.getByTestId('api-source-editor').nth(index);
    this.testResult = this.root.getByTestId('api-source-test-result');
  }

  /** "Paste a definition", then the definition typed in; waits until it validates. */
  async paste(definition: unknown, expectValid: RegExp): Promise<void> {
    await this.page.getByTestId('api-source-paste').click();
    await this.root.getByTestId('api-source-text').fill(JSON.stringify(definition, null, 2));
    await expect(this.root.getByTestId('api-source-validation')).toContainText(expectValid);
  }

  async test(): Promise<void> {
    await this.root.getByTestId('api-source-test').click();
    await expect(this.testResult).toBeVisible();
  }

  endpoint(name: string): Locator {
    return this.testResult.locator(`[data-testid="api-test-endpoint"][data-endpoint="${name}"]`);
  }
}
