/**
 * A repository made with the CLI in the test's workspace, its password in a file: what the
 * plan specs start from (plans name the password as `file:` reference, never hold it).
 */
import { writeFileSync } from 'node:fs';
import { cairnOkSync } from '../../helpers/cairn-cli.js';
import type { Workspace } from './fixtures.js';

export interface CliRepository {
  repo: string;
  passwordFile: string;
  /** The environment the CLI runs in: this workspace's CAIRN_HOME and the password file. */
  env: Record<string, string>;
  /** The password as a plan names it. */
  ref: string;
}

export function cliRepository(workspace: Workspace, password: string): CliRepository {
  const repo = workspace.path('repo');
  const passwordFile = workspace.path('password');
  writeFileSync(passwordFile, password);
  const env = { CAIRN_HOME: workspace.cairnHome, CAIRN_PASSWORD_FILE: passwordFile };
  cairnOkSync(['init', '--repo', repo], env);
  return { repo, passwordFile, env, ref: `file:${passwordFile}` };
}
