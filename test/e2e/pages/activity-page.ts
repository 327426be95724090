import { expect, type Locator, type Page } from '@playwright/test';

/** The Activity screen: the kept history of runs and jobs, its filters, each run's log. */
export class ActivityPage {
  readonly root: Locator;
  readonly runs: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('activity-screen');
    this.runs = this.root.getByTestId('activity-run');
  }

  run(result: string): Locator {
    return this.root.locator(`[data-testid="activity-run"][data-result="${result}"]`);
  }

  async filter(by: { plan?: string; result?: string }): Promise<void> {
    if (by.plan !== undefined)
      await this.page.getByTestId('activity-filter-plan').selectOption(by.plan);
    if (by.result !== undefined) {
      await this.page.getByTestId('activity-filter-result').selectOption(by.result);
    }
  }

  /** Opens a past run's log and returns its text. */
  async log(run: Locator): Promise<Locator> {
    await run.getByTestId('run-log').locator('summary').click();
    const text = run.getByTestId('run-log-text');
    await expect(text).toBeVisible();
    return text;
  }
}
