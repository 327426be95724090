// Integration tests run the built CLI (as users do), so build once before any test.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.CAIRN_SKIP_BUILD) return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync('node', ['scripts/post-build.mjs'], { stdio: 'inherit' });
}
