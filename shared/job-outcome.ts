/**
 * How a finished job went, in one word and a few counts, decided once for the session (which
 * marks the job) and the UI (which words it): "complete", or "warnings" when it did what it
 * could but not everything (the CLI's exit 3). A job that saved nothing never gets here: it
 * fails with the engine's error.
 */
import type { JobResult } from './contract.js';
import { plural } from './format.js';

export type JobOutcome = 'complete' | 'warnings';

export interface JobOutcomeCounts {
  outcome: JobOutcome;
  /** What went wrong, counted: "1 of 2 API sources not backed up", "3 files not restored". */
  problems: string[];
}

export function jobOutcome(result: JobResult): JobOutcomeCounts {
  const problems = jobProblems(result).filter((p) => p !== null);
  return { outcome: problems.length > 0 ? 'warnings' : 'complete', problems };
}

function jobProblems(result: JobResult): (string | null)[] {
  switch (result.kind) {
    case 'backup': {
      const apiSources =
        result.snapshots.filter((s) => s.kind === 'api').length + result.failedSources.length;
      const incomplete = result.snapshots.filter((s) => s.snapshot.incomplete).length;
      // Notes (nothing left out) are shown with the result but are no problem.
      const problems = result.warnings.filter((w) => !w.note);
      const failedEndpoints = problems.filter((w) => w.path.startsWith('/api/')).length;
      const unreadable = problems.length - failedEndpoints;
      return [
        result.failedSources.length > 0
          ? `${result.failedSources.length} of ${plural(apiSources, 'API source')} not backed up`
          : null,
        incomplete > 0 ? `${plural(incomplete, 'snapshot')} incomplete` : null,
        failedEndpoints > 0 ? `${plural(failedEndpoints, 'endpoint')} failed` : null,
        unreadable > 0 ? `${plural(unreadable, 'item')} could not be read` : null,
      ];
    }
    case 'restore': {
      const r = result.summary;
      return [
        r.damaged.length > 0 ? `${plural(r.damaged.length, 'item')} not restored (damaged)` : null,
        r.warnings.length > 0 ? plural(r.warnings.length, 'warning') : null,
      ];
    }
    case 'check':
      // A check that found problems did all it was asked; its report says what it found.
      return [];
    case 'repair':
      // What was lost was lost before the repair; its lines say what the repair gave up.
      return [];
    case 'restore-api': {
      const { failed } = result.report.counts;
      return [failed > 0 ? `${plural(failed, 'record')} not restored` : null];
    }
    case 'copy':
      // Snapshots the destination already held were skipped on purpose: nothing was left out.
      return [];
    case 'export':
      return [
        result.summary.warnings.length > 0
          ? plural(result.summary.warnings.length, 'warning')
          : null,
      ];
  }
}
