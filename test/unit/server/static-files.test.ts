import { describe, expect, it } from 'vitest';
import { resolveStaticPath } from '../../../electron/server/static-files.js';

describe('resolveStaticPath', () => {
  const root = '/srv/cairn/dist/renderer';

  it('maps the app and its assets inside the renderer folder', () => {
    expect(resolveStaticPath(root, '/')).toBe(`${root}/index.html`);
    expect(resolveStaticPath(root, '/assets/index-1.js')).toBe(`${root}/assets/index-1.js`);
  });

  it('never leaves the renderer folder', () => {
    expect(resolveStaticPath(root, '/../../etc/passwd')).not.toMatch(/^\/etc/);
    expect(resolveStaticPath(root, '/%2e%2e/%2e%2e/etc/passwd') ?? root).toMatch(
      /^\/srv\/cairn\/dist\/renderer/,
    );
    expect(resolveStaticPath(root, '/a%00b')).toBeNull();
    expect(resolveStaticPath(root, '/%E0%A4%A')).toBeNull();
  });
});
