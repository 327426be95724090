/**
 * The journal that lets an interrupted restore resume without sending a record twice, and the
 * id maps that go with it. One folder per (source, target base URL, snapshot) under
 * `CAIRN_HOME/restore-api/`, holding `journal.ndjson`, appended to and never rewritten:
 *
 *   {"run":N,"args":{…}}                  a run starts (its endpoint and selection)
 *   {"b":[endpoint,key]}                  about to send the record (written before sending)
 *   {"d":[endpoint,key,newId|null]}       sent and answered; newId as canonical JSON text
 *   {"s":[endpoint,key,reason,mappedId|null]}   skipped (it exists)
 *   {"f":[endpoint,key,reason]}           failed
 *   {"end":N}                             the run finished (every record has an outcome)
 *
 * `key` is the record's key text (`[id]` or `[id,parent]`). A line cut short by a kill is
 * ignored. A record with a "b" and no outcome in an unfinished run was in flight when it
 * stopped: the server may or may not have it (see restore-api.ts for how that is resolved).
 * Each line is written with one awaited `write` on a file opened for appending, so once the
 * call returns the line survives the process being killed (not a power cut: no fsync per record).
 * `report-<run>.ndjson` beside it lists every record's outcome in that run, for the user.
 * Id maps are every "d" and "s" with an id, of every run: a later run reuses them for the
 * records its records refer to. `id-maps/<endpoint>.ndjson` (`{"new":…,"old":…}` per line, with
 * `"parent"`: the old parent id, for a child endpoint) is written when a run finishes.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CairnError, isNotFound } from '../errors.js';
import { canonicalJson } from '../sources/api/canonical-json.js';
import { parseJson } from '../sources/api/parse-json.js';
import { keyText, parseKeyText, type RecordId } from '../sources/api/record-key.js';
import { safeName } from '../sources/api/work-folder.js';
import { LineAppender } from './line-appender.js';
import { cairnHome } from '../util/paths.js';

export type Outcome =
  | { state: 'in-flight' }
  | { state: 'done'; newId: RecordId | null }
  | { state: 'skipped'; reason: string }
  | { state: 'failed'; reason: string };

export interface RunArgs {
  endpoint: string;
  ids?: string[];
  changedSince?: string;
  deletedSince?: string;
}

export class RestoreJournal {
  /** Outcomes of the unfinished run being resumed, by endpoint then key text. */
  private readonly resumed = new Map<string, Map<string, Outcome>>();
  private readonly idMaps = new Map<string, Map<string, RecordId>>();
  private writer: LineAppender | undefined;
  /** Every record's outcome in this run, one JSON line each (the report's full form). */
  private reporter: LineAppender | undefined;
  private reportError: unknown;
  private run = 0;
  resuming = false;

  private constructor(readonly folder: string) {}

  static folderFor(source: string, baseUrl: string, snapshotId: string): string {
    const hash = createHash('sha256').update(`${baseUrl}\0${snapshotId}`).digest('hex');
    return path.join(cairnHome(), 'restore-api', `${safeName(source)}-${hash.slice(0, 16)}`);
  }

  /** Opens (or creates) the journal and starts a run, resuming an unfinished one with these args. */
  static async open(folder: string, args: RunArgs): Promise<RestoreJournal> {
    const journal = new RestoreJournal(folder);
    await fs.mkdir(folder, { recursive: true, mode: 0o700 });
    const file = path.join(folder, 'journal.ndjson');
    let text = '';
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    let open: { run: number; args: string } | undefined;
    for (const line of text.split('\n')) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // empty, or cut short by a kill
      }
      if (typeof entry.run === 'number') {
        journal.run = entry.run;
        open = { run: entry.run, args: JSON.stringify(entry.args) };
        journal.resumed.clear();
      } else if (typeof entry.end === 'number') {
        open = undefined;
        journal.resumed.clear();
      } else journal.apply(entry);
    }
    const wanted = JSON.stringify(args);
    if (open && open.args !== wanted) {
      throw new CairnError(
        'invalid-argument',
        `an interrupted restore into the same target is unfinished (${describe(JSON.parse(open.args) as RunArgs)}); run that restore again to finish it, or remove ${folder} to forget it`,
      );
    }
    journal.writer = await LineAppender.open(file);
    if (open) journal.resuming = true;
    else {
      journal.resumed.clear();
      journal.run++;
      await journal.append({ run: journal.run, args });
    }
    // A resumed run reports every record again (those done before as such): start the file over.
    await fs.writeFile(journal.reportFile, '', { mode: 0o600 });
    journal.reporter = await LineAppender.open(journal.reportFile);
    return journal;
  }

  private apply(entry: Record<string, unknown>): void {
    const at = (endpoint: string) => {
      let map = this.resumed.get(endpoint);
      if (!map) this.resumed.set(endpoint, (map = new Map()));
      return map;
    };
    if (Array.isArray(entry.b)) {
      const [endpoint, key] = entry.b as [string, string];
      at(endpoint).set(key, { state: 'in-flight' });
    } else if (Array.isArray(entry.d)) {
      const [endpoint, key, newId] = entry.d as [string, string, string | null];
      const id = newId === null ? null : (parseJson(newId) as RecordId);
      at(endpoint).set(key, { state: 'done', newId: id });
      if (id !== null) this.remember(endpoint, key, id);
    } else if (Array.isArray(entry.s)) {
      const [endpoint, key, reason, mapped] = entry.s as [string, string, string, string | null];
      at(endpoint).set(key, { state: 'skipped', reason });
      if (mapped !== null) this.remember(endpoint, key, parseJson(mapped) as RecordId);
    } else if (Array.isArray(entry.f)) {
      const [endpoint, key, reason] = entry.f as [string, string, string];
      at(endpoint).set(key, { state: 'failed', reason });
    }
  }

  private remember(endpoint: string, key: string, id: RecordId): void {
    let map = this.idMaps.get(endpoint);
    if (!map) this.idMaps.set(endpoint, (map = new Map()));
    map.set(key, id);
  }

  /** This run's report: `{"outcome":…,"endpoint":…,"id":…}` per record, in the journal's folder. */
  get reportFile(): string {
    return path.join(this.folder, `report-${this.run}.ndjson`);
  }

  /** Adds a record's outcome to the report file (written in the background; see finish()). */
  report(outcome: 'succeeded' | 'skipped' | 'failed', entry: object): void {
    this.reporter!.append(JSON.stringify({ outcome, ...entry })).catch((err: unknown) => {
      this.reportError ??= err;
    });
  }

  /** What the run being resumed did with this record, if anything. */
  outcome(endpoint: string, key: string): Outcome | undefined {
    return this.resumed.get(endpoint)?.get(key);
  }

  /** The new id of a record of `endpoint` (refs name records by id alone). */
  mapped(endpoint: string, oldId: RecordId): RecordId | undefined {
    return this.idMaps.get(endpoint)?.get(keyText({ id: oldId }));
  }

  async begin(endpoint: string, key: string): Promise<void> {
    await this.append({ b: [endpoint, key] });
  }

  async done(endpoint: string, key: string, newId: RecordId | null): Promise<void> {
    const text = newId === null ? null : canonicalJson(newId);
    if (newId !== null) this.remember(endpoint, key, newId);
    await this.append({ d: [endpoint, key, text] });
  }

  async skipped(
    endpoint: string,
    key: string,
    reason: string,
    mapped: RecordId | null,
  ): Promise<void> {
    if (mapped !== null) this.remember(endpoint, key, mapped);
    await this.append({
      s: [endpoint, key, reason, mapped === null ? null : canonicalJson(mapped)],
    });
  }

  async failed(endpoint: string, key: string, reason: string): Promise<void> {
    await this.append({ f: [endpoint, key, reason] });
  }

  /** Marks the run finished and writes the id maps; returns endpoint → id map file. */
  async finish(endpoints: readonly string[]): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    const dir = path.join(this.folder, 'id-maps');
    for (const endpoint of endpoints) {
      const map = this.idMaps.get(endpoint);
      if (!map) continue;
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, `${safeName(endpoint)}.ndjson`);
      const lines: string[] = [];
      for (const [key, id] of map) {
        const { id: old, parent } = parseKeyText(key);
        const line = parent === undefined ? { old, new: id } : { old, parent, new: id };
        lines.push(`${canonicalJson(line)}\n`);
      }
      await fs.writeFile(`${file}.tmp`, lines.join(''), { mode: 0o600 });
      await fs.rename(`${file}.tmp`, file);
      files[endpoint] = file;
    }
    await this.reporter?.close();
    this.reporter = undefined;
    if (this.reportError !== undefined) throw this.reportError;
    await this.append({ end: this.run });
    return files;
  }

  async close(): Promise<void> {
    await this.reporter?.close();
    this.reporter = undefined;
    await this.writer?.close();
    this.writer = undefined;
  }

  private append(entry: unknown): Promise<void> {
    // Keys and ids inside are canonical text already; the entry itself needs no exact numbers.
    return this.writer!.append(JSON.stringify(entry));
  }
}

function describe(args: RunArgs): string {
  const parts = [`--endpoint ${args.endpoint}`];
  if (args.ids) parts.push(`--ids ${args.ids.join(',')}`);
  if (args.changedSince) parts.push(`--changed-since ${args.changedSince.slice(0, 8)}`);
  if (args.deletedSince) parts.push(`--deleted-since ${args.deletedSince.slice(0, 8)}`);
  return parts.join(' ');
}
