/**
 * A repository for plan tests, made with the CLI under `root`: its password in a file (plans
 * name it as `file:` reference) and a CAIRN_HOME of its own.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cairnOk } from './cairn-cli.js';

export interface PlanRepository {
  home: string;
  repo: string;
  passwordFile: string;
  /** CAIRN_HOME and the password file; CAIRN_PASSWORD cleared so the file is what counts. */
  env: Record<string, string>;
  /** The password as a plan names it. */
  ref: string;
}

export async function planRepository(root: string, password: string): Promise<PlanRepository> {
  const home = path.join(root, 'home');
  const repo = path.join(root, 'repo');
  const passwordFile = path.join(root, 'password');
  writeFileSync(passwordFile, password);
  const env = { CAIRN_HOME: home, CAIRN_PASSWORD: '', CAIRN_PASSWORD_FILE: passwordFile };
  await cairnOk(['init', '--repo', repo], { env });
  return { home, repo, passwordFile, env, ref: `file:${passwordFile}` };
}
