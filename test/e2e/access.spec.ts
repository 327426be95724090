import WebSocket from 'ws';
import { expect, test } from './support/fixtures.js';

/** What the web server gives someone without the access token: a sign-in prompt, nothing else. */
test.describe('web access @web-only', () => {
  test('a request without the token gets only the sign-in prompt', async ({ served, request }) => {
    const origin = served!.origin;
    const page = await request.get(`${origin}/`, { headers: { cookie: '' } });
    expect(page.status()).toBe(401);
    const body = await page.text();
    expect(body).toContain('Sign in to Cairn');
    expect(body).not.toContain('<script');

    const asset = await request.get(`${origin}/assets/index.js`);
    expect(asset.status()).toBe(401);
    expect(await asset.text()).not.toContain('function');

    const wrong = await request.get(`${origin}/?token=not-the-token`);
    expect(wrong.status()).toBe(401);
    expect(await wrong.text()).toContain('not valid');
  });

  test('the WebSocket needs the token cookie and the page’s own origin', async ({ served }) => {
    const { origin, token } = served!;
    const port = new URL(origin).port;
    const url = `${origin.replace('http', 'ws')}/ws`;
    const cookie = `cairn-token-${port}=${token}`;

    expect(await upgradeStatus(url, { Origin: origin })).toBe(403);
    expect(await upgradeStatus(url, { Origin: origin, Cookie: `cairn-token-${port}=wrong` })).toBe(
      403,
    );
    expect(await upgradeStatus(url, { Origin: 'http://evil.example', Cookie: cookie })).toBe(403);
    // The same request from the page's own origin with the cookie is let in and answered.
    const info = await callOverSocket(url, { Origin: origin, Cookie: cookie });
    expect(info).toMatchObject({ ok: true, value: { mode: 'web' } });
  });

  test('the browser shows the sign-in prompt, then the app once the token is given', async ({
    served,
    browser,
  }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${served!.origin}/`);
    await expect(page.getByTestId('sign-in')).toBeVisible();
    await expect(page.getByTestId('connect-screen')).toHaveCount(0);
    await page.screenshot({ path: 'test-results/screenshots/web/00-sign-in.png' });
    await page.getByTestId('sign-in-token').fill(served!.token);
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('connect-screen')).toBeVisible();

    // When the server goes away, the page says so instead of failing silently.
    await served!.stop();
    await expect(page.getByTestId('connection-lost')).toContainText('Connection lost');
    await context.close();
  });
});

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', (err) => {
      if (!socket.isPaused) reject(err);
    });
  });
}

function callOverSocket(url: string, headers: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => socket.send(JSON.stringify({ id: 1, method: 'getAppInfo', args: {} })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; response?: unknown };
      if (message.id === 1) {
        resolve(message.response);
        socket.close();
      }
    });
    socket.on('error', reject);
  });
}
