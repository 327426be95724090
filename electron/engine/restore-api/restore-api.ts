/**
 * `restore-api`: puts a snapshot's records back into an API, following the
 * definition's `restore.<endpoint>` section.
 *
 * 1. The records are chosen (record-selection.ts): all, by id, changed or deleted since another
 *    snapshot — streamed from the stored file, never all in memory.
 * 2. Endpoints the records refer to (`refs`, a child endpoint's parent) are restored first, but
 *    only the records referred to that no earlier run has restored (the id maps know).
 * 3. Each record becomes one write (record-write.ts): ids rewritten through the id maps, `omit`
 *    and `$parent` dropped, the path filled. With `existsPath`, a GET first says whether it
 *    exists (`conflict`: skip it, or overwrite it with a PUT there; `create` never asks); a 409
 *    answer means the same. Writes go out through the source's HTTP client: its concurrency,
 *    rate limit, retries and Retry-After handling, and its redaction of secrets.
 * 4. The journal (restore-journal.ts) records each write before it is sent and its outcome
 *    after. Resuming, a record that was in flight is never sent blindly again: it is sent again
 *    only where that cannot make a duplicate — with its `Idempotency-Key` (the API answers the
 *    first request's result again) or as a PUT to its own path — else `existsPath` is asked
 *    (ids kept by the API), else it is reported as failed with the reason. Retries within a run
 *    follow the same rule for failures the server may have acted on (a dropped connection).
 * A wrong credential, an API that cannot be reached, or cancellation stops the run (it resumes
 * from the journal); a record the API refuses fails alone, and the run ends with exit 3.
 */
import { setMaxListeners } from 'node:events';
import type { Snapshot } from '../../../shared/domain.js';
import { nodeAt } from '../browse/snapshot-browser.js';
import { CairnError, errorMessage } from '../errors.js';
import type { TreeNode } from '../format/tree.js';
import type { Repository } from '../repository/repository.js';
import type { JobControl } from '../operation-types.js';
import { findSnapshot, listSnapshots } from '../snapshots/snapshot-store.js';
import { openApiSourceSession, type ApiSourceSession } from '../sources/api/api-source-session.js';
import { parseChildPathTemplate } from '../sources/api/child-path-template.js';
import { joinBaseUrl } from '../sources/api/endpoint-url.js';
import { forEachConcurrently } from '../util/concurrency.js';
import { ApiRequestError } from '../sources/api/http/api-request-error.js';
import { asRecordId, keyText, type RecordId } from '../sources/api/record-key.js';
import { compileRecordPath, type RecordPath } from '../sources/api/record-path.js';
import type { SortedRecord } from '../sources/api/external-record-sorter.js';
import type {
  AuthDefinition,
  EndpointDefinition,
  SourceDefinition,
} from '../sources/api/source-definition.js';
import { parseSourceDefinition } from '../sources/api/load-source-definition.js';
import { parseJson } from '../sources/api/parse-json.js';
import { assertSecretsKept, STORED_DEFINITION } from '../sources/api/stored-definition.js';
import { ProgressMeter } from '../util/progress-meter.js';
import { endpointFile, idText, selectRecords, type Selection } from './record-selection.js';
import {
  bodySummary,
  fillPath,
  getField,
  recordWrite,
  RecordWriteError,
  type RecordWrite,
} from './record-write.js';
import {
  REPORT_LIST_LIMIT,
  type ApiRestoreRequest,
  type ApiRestoreResult,
  type RestoredRecord,
} from './restore-api-types.js';
import { RestoreJournal } from './restore-journal.js';

type RestoreRules = NonNullable<SourceDefinition['restore']>[string];

interface EndpointPlan {
  name: string;
  endpoint: EndpointDefinition;
  rules: RestoreRules;
  idPath: RecordPath;
  responseId: RecordPath;
  parentEndpoint: string | undefined;
  /** Endpoints with a restore section that this one's records refer to. */
  dependencies: string[];
}

export async function restoreApiRecords(
  repo: Repository,
  request: ApiRestoreRequest,
  control: JobControl = {},
): Promise<ApiRestoreResult> {
  const definition = targetDefinition({
    ...request,
    definition:
      request.definition ?? (await keptDefinition(repo, request.snapshot, request.source)),
  });
  assertSecretsKept(definition);
  const plans = planEndpoints(definition);
  if (!definition.endpoints.some((e) => e.name === request.endpoint))
    throw new CairnError(
      'invalid-argument',
      `API source ${definition.name} has no endpoint ${request.endpoint}`,
    );
  if (!plans.has(request.endpoint))
    throw new CairnError(
      'invalid-argument',
      `API source ${definition.name} has no restore section for endpoint ${request.endpoint} (restore.${request.endpoint} in the definition)`,
    );
  const selections = [request.ids, request.changedSince, request.deletedSince].filter(
    (s) => s !== undefined,
  );
  if (selections.length > 1)
    throw new CairnError(
      'invalid-argument',
      'choose records one way: --ids, --changed-since or --deleted-since',
    );

  const snapshot = await findSourceSnapshot(repo, request.snapshot, definition.name);
  const other =
    (request.changedSince ?? request.deletedSince)
      ? await findSourceSnapshot(
          repo,
          (request.changedSince ?? request.deletedSince)!,
          definition.name,
        )
      : undefined;
  await repo.loadIndex();
  // One signal of our own for every request: each request listens to it while in flight, and
  // with many in flight Node would warn about a leak on the caller's signal.
  const cancel = new AbortController();
  setMaxListeners(0, cancel.signal);
  if (control.signal?.aborted) cancel.abort();
  control.signal?.addEventListener('abort', () => cancel.abort(), { once: true });
  const session = await openApiSourceSession(definition, { signal: cancel.signal });
  const main = plans.get(request.endpoint)!;
  const mine = await endpointFile(repo, snapshot.tree, definition.name, main.name);
  if (!mine && !request.deletedSince)
    throw new CairnError(
      'path-not-found',
      `snapshot ${snapshot.short_id} has no records of ${definition.name}/${main.name}`,
    );
  const otherFile = other && (await endpointFile(repo, other.tree, definition.name, main.name));
  let selection: Selection = { kind: 'all' };
  if (request.ids) selection = { kind: 'ids', ids: new Set(request.ids) };
  else if (request.changedSince) selection = { kind: 'changed', other: otherFile };
  else if (request.deletedSince) selection = { kind: 'deleted', other: otherFile };
  // Deleted records, and those they refer to, come from the other snapshot.
  const sourceTree = request.deletedSince ? other!.tree : snapshot.tree;

  const result: ApiRestoreResult = {
    snapshot: snapshot.id,
    source: definition.name,
    endpoint: main.name,
    base_url: session.redactor.redact(definition.baseUrl),
    dry_run: request.dryRun ?? false,
    resumed: false,
    counts: { succeeded: 0, skipped: 0, failed: 0 },
    succeeded: [],
    skipped: [],
    failed: [],
    report: null,
    requests: [],
    journal: null,
    id_maps: {},
  };
  const journal = request.dryRun
    ? undefined
    : await RestoreJournal.open(
        RestoreJournal.folderFor(definition.name, definition.baseUrl, snapshot.id),
        {
          endpoint: main.name,
          ...(request.ids ? { ids: request.ids } : {}),
          ...(request.changedSince ? { changedSince: other!.id } : {}),
          ...(request.deletedSince ? { deletedSince: other!.id } : {}),
        },
      );
  result.journal = journal?.folder ?? null;
  result.report = journal?.reportFile ?? null;
  result.resumed = journal?.resuming ?? false;
  const run = new RestoreRun(repo, definition, plans, session, journal, result, snapshot, control);
  try {
    await run.endpoint(main.name, mine ?? otherFile, selection, sourceTree, []);
    if (journal) result.id_maps = await journal.finish([...run.touched]);
  } catch (err) {
    if (control.signal?.aborted || (err instanceof ApiRequestError && err.kind === 'cancelled'))
      throw new CairnError('cancelled', 'cancelled; run the same command again to resume');
    throw err;
  } finally {
    await journal?.close();
  }
  run.meter.emit(true);
  return result;
}

class RestoreRun {
  readonly meter: ProgressMeter;
  /** Endpoints this run wrote to (their id maps are saved). */
  readonly touched = new Set<string>();
  /** Dry run: records it would create, so that what refers to them is shown, not failed. */
  private readonly planned = new Map<string, Set<string>>();

  constructor(
    private readonly repo: Repository,
    private readonly definition: SourceDefinition,
    private readonly plans: Map<string, EndpointPlan>,
    private readonly session: ApiSourceSession,
    private readonly journal: RestoreJournal | undefined,
    private readonly result: ApiRestoreResult,
    private readonly snapshot: Snapshot,
    private readonly control: JobControl,
  ) {
    this.meter = new ProgressMeter('restore', control.onProgress, control.progressIntervalMs);
  }

  async endpoint(
    name: string,
    file: TreeNode | undefined,
    selection: Selection,
    tree: string,
    stack: string[],
  ): Promise<void> {
    const plan = this.plans.get(name)!;
    if (stack.includes(name))
      throw new CairnError(
        'invalid-argument',
        `restore sections refer to each other in a circle: ${[...stack, name].join(' → ')}`,
      );
    this.touched.add(name);
    if (plan.dependencies.length > 0) {
      const needed = await this.referredTo(plan, file, selection);
      for (const dependency of plan.dependencies) {
        const referred = needed.get(dependency)!;
        const ids = new Set<string>();
        for (const id of referred.values()) if (!this.isMapped(dependency, id)) ids.add(idText(id));
        if (ids.size === 0) continue;
        const depFile = await endpointFile(this.repo, tree, this.definition.name, dependency);
        await this.endpoint(dependency, depFile, { kind: 'ids', ids }, tree, [...stack, name]);
      }
    }
    const window = (this.session.client.limits.concurrency + 1) * 2;
    await forEachConcurrently(selectRecords(this.repo, file, selection, plan.idPath), window, (r) =>
      this.record(plan, r),
    );
  }

  /** The ids, per endpoint depended on, that the chosen records refer to. */
  private async referredTo(
    plan: EndpointPlan,
    file: TreeNode | undefined,
    selection: Selection,
  ): Promise<Map<string, Map<string, RecordId>>> {
    const needed = new Map(plan.dependencies.map((d) => [d, new Map<string, RecordId>()]));
    const add = (endpoint: string, id: RecordId) => needed.get(endpoint)!.set(keyText({ id }), id);
    const refs = Object.entries(plan.rules.refs ?? {}).filter(([, e]) => needed.has(e));
    for await (const { line, key } of selectRecords(this.repo, file, selection, plan.idPath)) {
      if (plan.parentEndpoint && needed.has(plan.parentEndpoint) && key.parent !== undefined)
        add(plan.parentEndpoint, key.parent);
      if (refs.length === 0) continue;
      const record = parseJson(line) as Record<string, unknown>;
      for (const [field, endpoint] of refs) {
        const value = asRecordId(getField(record, field));
        if (value !== undefined) add(endpoint, value);
      }
    }
    return needed;
  }

  private isMapped(endpoint: string, id: RecordId): boolean {
    if (this.planned.get(endpoint)?.has(keyText({ id }))) return true;
    return this.journal?.mapped(endpoint, id) !== undefined;
  }

  /** The id a record of `endpoint` has on the target: mapped if the API assigns ids. */
  private lookup = (endpoint: string, oldId: RecordId): RecordId | undefined => {
    const plan = this.plans.get(endpoint);
    if (!plan?.rules.idMap) return oldId;
    const mapped = this.journal?.mapped(endpoint, oldId);
    if (mapped !== undefined) return mapped;
    if (this.planned.get(endpoint)?.has(keyText({ id: oldId })))
      return `{new ${endpoint} ${idText(oldId)}}`;
    return undefined;
  };

  private async record(plan: EndpointPlan, stored: SortedRecord): Promise<void> {
    if (this.control.signal?.aborted) throw new CairnError('cancelled', 'cancelled');
    const { name, rules } = plan;
    const key = keyText(stored.key);
    const entry: RestoredRecord = { endpoint: name, id: idText(stored.key.id) };
    if (stored.key.parent !== undefined) entry.parent = idText(stored.key.parent);
    const journal = this.journal;
    const outcome = journal?.outcome(name, key);
    if (outcome && outcome.state !== 'in-flight') {
      if (outcome.state === 'done') {
        if (outcome.newId !== null) entry.new_id = idText(outcome.newId);
        this.finish('succeeded', { ...entry, reason: 'restored before the interruption' });
      } else
        this.finish(outcome.state === 'skipped' ? 'skipped' : 'failed', {
          ...entry,
          reason: outcome.reason,
        });
      return;
    }
    const inFlight = outcome?.state === 'in-flight';
    const fail = async (reason: string) => {
      await journal?.failed(name, key, reason);
      this.finish('failed', { ...entry, reason });
    };

    let write: RecordWrite;
    let url: string;
    let existsUrl: string | undefined;
    try {
      write = recordWrite(
        stored.line,
        { omit: rules.omit ?? [], refs: rules.refs ?? {}, parentEndpoint: plan.parentEndpoint },
        this.lookup,
      );
      url = joinBaseUrl(this.definition.baseUrl, fillPath(rules.path, write.fields));
      if (rules.existsPath)
        existsUrl = joinBaseUrl(this.definition.baseUrl, fillPath(rules.existsPath, write.fields));
    } catch (err) {
      if (err instanceof RecordWriteError) return fail(err.message);
      throw err;
    }

    if (!journal) {
      this.result.requests.push({
        endpoint: name,
        id: entry.id,
        method: rules.method,
        url: this.session.redactor.redact(url),
        body: bodySummary(write.body),
      });
      if (rules.idMap) {
        let set = this.planned.get(name);
        if (!set) this.planned.set(name, (set = new Set()));
        set.add(key);
      }
      this.meter.files++;
      this.meter.current = `${name}/${entry.id}`;
      this.meter.emit();
      return;
    }

    const safeToResend = rules.idempotencyKey === true || rules.method === 'PUT';
    if (inFlight && !safeToResend) {
      if (existsUrl && !rules.idMap) {
        if (await this.exists(existsUrl, name)) {
          await journal.done(name, key, null);
          this.finish('succeeded', {
            ...entry,
            reason: 'it reached the API before the interruption',
          });
          return;
        }
      } else {
        return fail(
          'it was being sent when the restore was interrupted and may exist on the API now; not sent again (an idempotencyKey or existsPath lets Cairn tell)',
        );
      }
    }

    let method: 'POST' | 'PUT' | 'PATCH' = rules.method;
    let target = url;
    if (!inFlight && existsUrl && rules.conflict !== 'create') {
      const found = await this.exists(existsUrl, name);
      if (found) {
        if (rules.conflict === 'skip') {
          const mapped = rules.idMap
            ? (asRecordId(plan.responseId.get(found.body)) ?? stored.key.id)
            : null;
          const reason = 'it exists on the API';
          await journal.skipped(name, key, reason, mapped);
          this.finish('skipped', { ...entry, reason });
          return;
        }
        if (method === 'POST') {
          method = 'PUT';
          target = existsUrl;
        }
      }
    }
    await this.send(plan, stored, entry, key, write, method, target, existsUrl);
  }

  private async send(
    plan: EndpointPlan,
    stored: SortedRecord,
    entry: RestoredRecord,
    key: string,
    write: RecordWrite,
    method: 'POST' | 'PUT' | 'PATCH',
    url: string,
    existsUrl: string | undefined,
  ): Promise<void> {
    const { name, rules } = plan;
    const journal = this.journal!;
    const headers: Record<string, string> = { ...(await this.session.headersFor(plan.endpoint)) };
    if (rules.idempotencyKey) {
      const recordId = entry.parent === undefined ? entry.id : `${entry.parent}/${entry.id}`;
      headers['idempotency-key'] = `${this.snapshot.id}/${name}/${recordId}`;
    }
    let appliedAnyway = false;
    let refusedResend = false;
    const mayResend = async (): Promise<boolean> => {
      if (rules.idempotencyKey || method === 'PUT') return true;
      if (existsUrl && !rules.idMap) {
        appliedAnyway = (await this.exists(existsUrl, name)) !== undefined;
        return !appliedAnyway;
      }
      refusedResend = true;
      return false;
    };
    await journal.begin(name, key);
    let body: unknown;
    try {
      body = (
        await this.session.client.requestJson(
          { method, url, headers, body: write.body, mayResend },
          this.session.auth,
        )
      ).body;
    } catch (err) {
      if (!(err instanceof ApiRequestError)) throw err;
      if (appliedAnyway) {
        await journal.done(name, key, null);
        this.finish('succeeded', entry);
        return;
      }
      if (refusedResend) {
        const reason = `${err.message}; it may have reached the API, so it was not sent again (an idempotencyKey lets Cairn tell)`;
        await journal.failed(name, key, reason);
        this.finish('failed', { ...entry, reason });
        return;
      }
      if (err.options.status === 409) {
        if (rules.conflict === 'skip') {
          const reason = 'it exists on the API (409)';
          await journal.skipped(name, key, reason, rules.idMap ? stored.key.id : null);
          this.finish('skipped', { ...entry, reason });
          return;
        }
        if (rules.conflict === 'overwrite' && existsUrl && url !== existsUrl)
          return this.send(plan, stored, entry, key, write, 'PUT', existsUrl, existsUrl);
      }
      this.stopOn(err);
      await journal.failed(name, key, err.message);
      this.finish('failed', { ...entry, reason: err.message });
      return;
    }
    let newId: RecordId | null = null;
    if (rules.idMap) {
      const found = asRecordId(plan.responseId.get(body));
      if (found === undefined) {
        const reason = `restored, but the answer has no id at "${plan.responseId.text}"; records that refer to it cannot be restored`;
        await journal.done(name, key, null);
        this.finish('failed', { ...entry, reason });
        return;
      }
      newId = found;
      entry.new_id = idText(found);
    }
    await journal.done(name, key, newId);
    this.finish('succeeded', entry);
  }

  /** Whether the record exists: 2xx (with the answer), 404/410 undefined. */
  private async exists(url: string, endpoint: string): Promise<{ body: unknown } | undefined> {
    const plan = this.plans.get(endpoint)!;
    try {
      const response = await this.session.client.requestJson(
        { method: 'GET', url, headers: await this.session.headersFor(plan.endpoint) },
        this.session.auth,
      );
      return { body: response.body };
    } catch (err) {
      if (
        err instanceof ApiRequestError &&
        (err.options.status === 404 || err.options.status === 410)
      )
        return undefined;
      if (err instanceof ApiRequestError) this.stopOn(err);
      throw err;
    }
  }

  /** Failures that no other record would escape: they stop the run (it can resume). */
  private stopOn(err: ApiRequestError): void {
    if (err.kind === 'cancelled') throw err;
    const where = `API source ${this.definition.name}`;
    if (err.kind === 'auth') throw new CairnError('failure', `${where}: ${err.message}`);
    if (err.kind === 'network' || err.kind === 'timeout' || err.kind === 'rate-limited')
      throw new CairnError(
        'target-unreachable',
        `${where}: ${err.message}; run the same command again to resume`,
      );
  }

  private finish(list: 'succeeded' | 'skipped' | 'failed', entry: RestoredRecord): void {
    this.result.counts[list]++;
    if (this.result[list].length < REPORT_LIST_LIMIT) this.result[list].push(entry);
    this.journal?.report(list, entry);
    this.meter.files++;
    this.meter.current = `${entry.endpoint}/${entry.id}`;
    this.meter.emit();
  }
}

/**
 * The definition an API backup kept in the snapshot (stored-definition.ts), for a restore on
 * the day the definition file is gone.
 */
async function keptDefinition(
  repo: Repository,
  ref: string,
  source: string | undefined,
): Promise<SourceDefinition> {
  let name = source;
  if (name === undefined) {
    const all = await listSnapshots(repo);
    const snapshot =
      ref === 'latest'
        ? all.filter((s) => s.sources.some((x) => x.kind === 'api')).at(-1)
        : await findSnapshot(repo, ref);
    if (!snapshot) throw new CairnError('snapshot-not-found', 'no snapshot of an API source yet');
    const names = snapshot.sources.filter((x) => x.kind === 'api').map((x) => x.source);
    if (names.length !== 1)
      throw new CairnError(
        'invalid-argument',
        names.length === 0
          ? `snapshot ${snapshot.short_id} holds no API source`
          : `snapshot ${snapshot.short_id} holds API sources ${names.join(', ')}: name one with --source, or give its definition with --api`,
      );
    name = names[0]!;
  }
  const snapshot = await findSourceSnapshot(repo, ref, name);
  await repo.loadIndex();
  let node: TreeNode;
  try {
    node = await nodeAt(repo, snapshot.tree, `/api/${name}/${STORED_DEFINITION}`);
  } catch (err) {
    if (err instanceof CairnError && err.kind === 'path-not-found')
      throw new CairnError(
        'invalid-argument',
        `snapshot ${snapshot.short_id} was made before Cairn kept the definition in its snapshots; give the definition file with --api`,
      );
    throw err;
  }
  const parts: Buffer[] = [];
  for (const id of node.content ?? []) parts.push(await repo.loadBlob(id));
  try {
    return parseSourceDefinition(JSON.parse(Buffer.concat(parts).toString('utf8')));
  } catch (err) {
    throw new CairnError(
      'invalid-argument',
      `the definition kept in snapshot ${snapshot.short_id} cannot be used (${errorMessage(err)}); give the definition file with --api`,
    );
  }
}

/** The definition as the target needs it: another base URL, another account's secret. */
function targetDefinition(
  request: ApiRestoreRequest & { definition: SourceDefinition },
): SourceDefinition {
  const definition = { ...request.definition };
  if (request.baseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(request.baseUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw new CairnError(
        'invalid-argument',
        `--base-url must be an http:// or https:// URL, not ${JSON.stringify(request.baseUrl)}`,
      );
    definition.baseUrl = request.baseUrl;
  }
  if (request.targetSecret !== undefined)
    definition.auth = withSecret(definition.auth, request.targetSecret);
  return definition;
}

function withSecret(auth: AuthDefinition, secret: string): AuthDefinition {
  switch (auth.type) {
    case 'bearer':
      return { ...auth, token: secret };
    case 'basic':
      return { ...auth, password: secret };
    case 'apiKey':
      return { ...auth, value: secret };
    case 'oauth2-client-credentials':
      return { ...auth, clientSecret: secret };
    case 'none':
      throw new CairnError(
        'invalid-argument',
        'the source has no auth (auth.type none), so there is no secret to replace',
      );
  }
}

function planEndpoints(definition: SourceDefinition): Map<string, EndpointPlan> {
  const plans = new Map<string, EndpointPlan>();
  const names = definition.endpoints.map((e) => e.name);
  for (const [name, rules] of Object.entries(definition.restore ?? {})) {
    const endpoint = definition.endpoints.find((e) => e.name === name);
    if (!endpoint)
      throw new CairnError(
        'invalid-argument',
        `restore.${name}: the definition has no endpoint ${name}`,
      );
    let parentEndpoint: string | undefined;
    try {
      parentEndpoint = parseChildPathTemplate(endpoint.path, names)?.parent;
    } catch {
      parentEndpoint = undefined;
    }
    for (const [field, target] of Object.entries(rules.refs ?? {}))
      if (!names.includes(target))
        throw new CairnError(
          'invalid-argument',
          `restore.${name}.refs.${field}: the definition has no endpoint ${target}`,
        );
    plans.set(name, {
      name,
      endpoint,
      rules,
      idPath: compileRecordPath(endpoint.id),
      responseId: compileRecordPath(rules.responseId ?? endpoint.id),
      parentEndpoint,
      dependencies: [],
    });
  }
  for (const plan of plans.values()) {
    const deps = new Set<string>();
    if (plan.parentEndpoint && plans.has(plan.parentEndpoint)) deps.add(plan.parentEndpoint);
    for (const target of Object.values(plan.rules.refs ?? {}))
      if (plans.has(target)) deps.add(target);
    plan.dependencies = [...deps];
  }
  return plans;
}

/** `latest` is the newest snapshot holding this API source; ids and prefixes as everywhere. */
async function findSourceSnapshot(
  repo: Repository,
  ref: string,
  source: string,
): Promise<Snapshot> {
  if (ref !== 'latest') return findSnapshot(repo, ref);
  const all = await listSnapshots(repo);
  const latest = all
    .filter((s) => s.sources.some((x) => x.kind === 'api' && x.source === source))
    .at(-1);
  if (!latest)
    throw new CairnError('snapshot-not-found', `no snapshot of API source ${source} yet`);
  return latest;
}
