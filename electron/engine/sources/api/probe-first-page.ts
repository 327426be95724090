/**
 * The "test request" (`cairn api test`, the definition editor): the first page of each endpoint,
 * the records found in it and where the next page would come from — nothing is stored. A child
 * endpoint is tried for the first record of its parent's first page.
 */
import { openApiSourceSession, type ApiSourceSessionOptions } from './api-source-session.js';
import { canonicalJson } from './canonical-json.js';
import { expandChildPath } from './child-path-template.js';
import { planEndpoints } from './endpoint-order.js';
import { baseRequest, missingIdProblem } from './fetch-endpoint-records.js';
import { ApiRequestError } from './http/api-request-error.js';
import { createPaginator } from './pagination/create-paginator.js';
import { runPages } from './pagination/page-runner.js';
import type { FetchedPage } from './pagination/paginator.js';
import { asRecordId } from './record-key.js';
import { nextPageOriginCheck } from './credential-origin.js';
import { compileRecordPath, type RecordPath } from './record-path.js';
import type { SourceDefinition } from './source-definition.js';

export interface FirstPageProbe {
  endpoint: string;
  /** The request made, secrets redacted; null when none could be made. */
  url: string | null;
  status: number | null;
  records: number;
  /** The first record, canonical JSON. */
  firstRecord: string | null;
  /** The first few records of the page (up to `sampleSize`), canonical JSON. */
  sample: string[];
  /** The next page's URL or cursor; null on the last page. */
  nextPage: string | null;
  error: string | null;
}

export async function probeFirstPages(
  definition: SourceDefinition,
  options: ApiSourceSessionOptions & { endpoints?: string[]; sampleSize?: number } = {},
): Promise<FirstPageProbe[]> {
  const sampleSize = options.sampleSize ?? 1;
  const plan = planEndpoints(definition, options.endpoints);
  const session = await openApiSourceSession(definition, { retry: { maxAttempts: 2 }, ...options });
  const firstRecords = new Map<string, unknown>();
  const probes: FirstPageProbe[] = [];
  for (const { endpoint, child } of plan) {
    const probe: FirstPageProbe = {
      endpoint: endpoint.name,
      url: null,
      status: null,
      records: 0,
      firstRecord: null,
      sample: [],
      nextPage: null,
      error: null,
    };
    probes.push(probe);
    try {
      let path = endpoint.path;
      if (child) {
        const parentRecord = firstRecords.get(child.parent);
        const expanded = parentRecord === undefined ? null : expandChildPath(child, parentRecord);
        if (expanded === null) throw new Error(`no record of ${child.parent} to try it with`);
        path = expanded;
      }
      const paginator = createPaginator(
        endpoint.pagination,
        baseRequest(session, endpoint, path, null),
      );
      let page: FetchedPage | undefined;
      await runPages({
        paginator,
        records: compileRecordPath(endpoint.records),
        send: (request) => {
          probe.url = session.redactor.redact(request.url);
          return session.request(endpoint, request.url, request.body);
        },
        redactUrl: (url) => session.redactor.redact(url),
        onPage: (fetched) => {
          page = fetched;
        },
        lookAhead: 1,
        maxPages: 1,
      });
      if (!page) continue;
      probe.status = page.response.status;
      probe.records = page.records.length;
      // What would stop the backup is said now: a record it could not store.
      const problem = recordProblem(page.records, compileRecordPath(endpoint.id));
      if (problem !== null) throw new Error(problem);
      if (page.records.length > 0) {
        firstRecords.set(endpoint.name, page.records[0]);
        probe.firstRecord = canonicalJson(page.records[0]);
        probe.sample = page.records.slice(0, sampleSize).map((record) => canonicalJson(record));
        if (paginator.kind === 'sequential') {
          const next = paginator.next(page);
          probe.nextPage = next === null ? null : session.redactor.redact(next.token);
          // A next page the backup would refuse (credentials kept on their origin) is said now.
          if (next !== null) (await nextPageOriginCheck(session, endpoint))?.(next.request.url);
        } else if (!paginator.isLast(page)) {
          const next = paginator.pageAt(1);
          probe.nextPage = session.redactor.redact(
            next.body ? JSON.stringify(next.body) : next.url,
          );
        }
      }
    } catch (err) {
      probe.error = session.redactor.redact((err as Error).message);
      if (err instanceof ApiRequestError) probe.status = err.options.status ?? null;
    }
  }
  return probes;
}

/** The first record of a page that a backup could not store, and why; null if none. */
function recordProblem(records: unknown[], idPath: RecordPath): string | null {
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      return `record ${i + 1} is not a JSON object`;
    }
    if (asRecordId(idPath.get(record)) === undefined) return missingIdProblem(record, idPath, i);
    try {
      canonicalJson(record);
    } catch (err) {
      return `record ${i + 1} ${(err as Error).message}`;
    }
  }
  return null;
}
