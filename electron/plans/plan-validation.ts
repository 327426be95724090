/**
 * Everything `cairn plan add` (and the app's plan form) can check before a plan is saved, all
 * at once, so the user fixes every problem in one go: the repository is reachable and the
 * password (by reference) opens it, each folder exists, each API source definition is valid
 * and its secrets resolve, the schedule, time zone and retention make sense.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CairnError, errorMessage } from '../engine/errors.js';
import { redactLocation, resolveTimeZone } from '../engine/service.js';
import type { EngineService } from '../engine/service-types.js';
import { PLAN_NAME, SECRET_REFERENCE, type Plan } from './config-schema.js';

/** Throws one CairnError listing every problem; a single engine error keeps its kind (exit code). */
export async function validatePlan(
  plan: Plan,
  engine: EngineService,
  /** Options the command line could not read (a bad --daily, --keep-last x), named first. */
  optionProblems: unknown[] = [],
): Promise<void> {
  const problems: { message: string; error?: CairnError }[] = [];
  const add = (err: unknown) =>
    problems.push(
      err instanceof CairnError
        ? { message: err.message, error: err }
        : { message: errorMessage(err) },
    );
  for (const err of optionProblems) add(err);
  if (!PLAN_NAME.test(plan.name)) {
    add(
      `plan name ${JSON.stringify(plan.name)}: use letters, digits, ".", "_" or "-" (at most 64)`,
    );
  }
  if (plan.folders.length === 0 && plan.apiSources.length === 0) {
    add('name at least one folder or API source (--api SOURCE.json)');
  }
  for (const folder of plan.folders) {
    if (!path.isAbsolute(folder)) add(`${folder}: not an absolute path`);
    else
      await fs
        .stat(folder)
        .catch((err: NodeJS.ErrnoException) =>
          add(
            err.code === 'ENOENT'
              ? `${folder} does not exist`
              : `cannot read ${folder}: ${err.message}`,
          ),
        );
  }
  for (const file of plan.apiSources) {
    try {
      await engine.checkApiSourceSecrets(await engine.loadApiSourceDefinition(file));
    } catch (err) {
      add(err);
    }
  }
  if (redactLocation(plan.repository) !== plan.repository) {
    add(`the repository location must not contain a password; give it as a secret reference`);
  } else if (!SECRET_REFERENCE.test(plan.password)) {
    add('--password-ref must be a secret reference: keychain:ENTRY, env:NAME or file:PATH');
  } else {
    try {
      const password = await engine.resolveSecretReference(plan.password);
      await engine.listSnapshots({ location: plan.repository, password });
    } catch (err) {
      add(err);
    }
  }
  try {
    resolveTimeZone(plan.timeZone);
  } catch (err) {
    add(err);
  }
  if (
    plan.retention.keepWithin !== undefined &&
    !/^(\d+[ymdh])+$/.test(plan.retention.keepWithin)
  ) {
    add(
      `--keep-within ${JSON.stringify(plan.retention.keepWithin)}: write a duration like 1y6m3d12h`,
    );
  }
  for (const [key, value] of Object.entries(plan.retention)) {
    if (typeof value === 'number' && (!Number.isInteger(value) || value < -1)) {
      add(`${key}: must be a whole number, or -1 for all`);
    }
  }
  if (problems.length === 0) return;
  const only = problems.length === 1 ? problems[0]?.error : undefined;
  const message = `plan ${plan.name} not saved: ${problems.map((p) => p.message).join('; ')}`;
  throw new CairnError(only?.kind ?? 'invalid-argument', message);
}
