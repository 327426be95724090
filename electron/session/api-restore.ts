/**
 * "Restore records into the API…" over the engine's `restoreApi`: the contract's order as the
 * engine's request, and its result as the preview (dry run) or the job's report. The target's
 * secret travels with the order only; nothing here keeps it.
 */
import type { ApiRestorePreview, ApiRestoreReport } from '../../shared/api-restore.js';
import type { ParsedArgsOf } from '../../shared/contract.js';
import type {
  ApiRestoreRequest,
  ApiRestoreResult,
  SourceDefinition,
} from '../engine/service-types.js';

/** How many of the dry run's requests the preview lists (it counts them all). */
export const previewRequestLimit = 500;

type Order = Omit<ParsedArgsOf<'previewApiRestore'>, 'text'>;

/** The engine's request; without a definition, the engine reads the one the snapshot keeps. */
export function apiRestoreRequest(
  definition: SourceDefinition | undefined,
  order: Order,
): ApiRestoreRequest {
  const { selection, target } = order;
  return {
    snapshot: order.snapshot,
    ...(definition ? { definition } : { source: order.source }),
    endpoint: order.endpoint,
    ...(selection.kind === 'ids' ? { ids: selection.ids } : {}),
    ...(selection.kind === 'changed-since' ? { changedSince: selection.snapshot } : {}),
    ...(selection.kind === 'deleted-since' ? { deletedSince: selection.snapshot } : {}),
    ...(target ? { baseUrl: target.baseUrl } : {}),
    ...(target?.secret !== undefined ? { targetSecret: target.secret } : {}),
  };
}

export function toPreview(result: ApiRestoreResult): ApiRestorePreview {
  return {
    source: result.source,
    endpoint: result.endpoint,
    baseUrl: result.base_url,
    total: result.requests.length,
    requests: result.requests.slice(0, previewRequestLimit).map((r) => ({
      endpoint: r.endpoint,
      id: r.id,
      method: r.method,
      url: r.url,
      body: r.body,
    })),
  };
}

export function toReport(result: ApiRestoreResult): ApiRestoreReport {
  return {
    source: result.source,
    endpoint: result.endpoint,
    baseUrl: result.base_url,
    resumed: result.resumed,
    counts: result.counts,
    skipped: result.skipped,
    failed: result.failed,
    reportFile: result.report,
    journal: result.journal,
    idMaps: result.id_maps,
  };
}
