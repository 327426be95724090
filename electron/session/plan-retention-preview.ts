/**
 * "What retention would keep", for the plan form: the keep-* rules as typed (checked as
 * `cairn plan add` checks them) applied by the engine's forget in dry-run mode — the very
 * decision a run makes after its backup — to the plan's snapshots (its group) in its
 * repository. Nothing is removed. The repository is opened with the password typed, or for an
 * edit that keeps the repository, with the plan's own secret reference.
 */
import type { ParsedArgsOf, RetentionPreview } from '../../shared/contract.js';
import { resolveTimeZone } from '../engine/service.js';
import type { EngineService, RepositoryRef } from '../engine/service-types.js';
import { findPlan, loadConfig } from '../plans/config-store.js';
import { formatLocal } from '../plans/plan-health.js';
import { retentionFromOptions } from '../plans/plan-options.js';
import { retentionRules } from '../plans/plan-retention.js';
import { planGroup } from '../plans/plan-runner.js';
import { ContractFailure } from './to-contract-error.js';

export async function previewRetention(
  engine: EngineService,
  configFile: string,
  args: ParsedArgsOf<'previewRetention'>,
): Promise<RetentionPreview> {
  const config = await loadConfig(configFile);
  const previous = args.replaces === undefined ? undefined : findPlan(config, args.replaces);
  const rules = retentionRules({
    ...retentionFromOptions(args),
    ...(previous?.retention.keepTag ? { keepTag: previous.retention.keepTag } : {}),
  });
  const ref: RepositoryRef = { location: args.repository, password: await passwordOf() };
  const timeZone = previous?.timeZone ?? resolveTimeZone();
  const group = planGroup(args.name);
  const local = (time: string) => formatLocal(Date.parse(time), timeZone);
  if (rules === null) {
    const snapshots = (await engine.listSnapshots(ref)).filter((s) => s.group === group);
    return {
      rules: false,
      kept: snapshots
        .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))
        .map((s) => ({ id: s.short_id, time: local(s.time), reasons: [] })),
      removed: [],
    };
  }
  const { groups } = await engine.forget(ref, { rules, group, timeZone, dryRun: true });
  const newestFirst = <T extends { time: string }>(list: T[]) =>
    list.sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  return {
    rules: true,
    kept: newestFirst(groups.flatMap((g) => g.keep.map((k) => ({ ...k.snapshot, ...k })))).map(
      (k) => ({ id: k.short_id, time: local(k.time), reasons: k.reasons }),
    ),
    removed: newestFirst(groups.flatMap((g) => g.remove)).map((s) => ({
      id: s.short_id,
      time: local(s.time),
    })),
  };

  async function passwordOf(): Promise<string> {
    if (args.password !== undefined) return args.password;
    if (previous !== undefined && previous.repository === args.repository)
      return engine.resolveSecretReference(previous.password);
    throw new ContractFailure(
      'invalid-argument',
      'Enter the repository password to see what the retention would keep.',
    );
  }
}
