/**
 * Sorts an endpoint's records by key with memory that stays flat however many records there
 * are: records collect in memory up to a byte bound, then that run is sorted and spilled to a
 * temp file; at the end the spilled runs and the last one, still in memory, are merged with a
 * heap. Records with the same key keep the one added last (a record fetched twice in a run, e.g.
 * when pages shift, is stored once).
 *
 * Spill file format: one record per line, `<key JSON>\t<canonical record JSON>`; canonical JSON
 * never holds a raw tab, so the first tab ends the key.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MinHeap } from './min-heap.js';
import { readFileChunks, readLineBatches } from './ndjson-lines.js';
import { compareKeys, keyText, parseKeyText, type RecordKey } from './record-key.js';

export interface SortedRecord {
  key: RecordKey;
  /** The record's canonical JSON line, without the newline. */
  line: string;
}

export interface ExternalRecordSorterOptions {
  tempDir: string;
  /** Bytes of records held in memory before a run is spilled (default 32 MiB). */
  memoryLimitBytes?: number;
}

const ENTRY_OVERHEAD_BYTES = 96;
const WRITE_BATCH_BYTES = 1 << 20;

export class ExternalRecordSorter {
  private run: SortedRecord[] = [];
  private runBytes = 0;
  private readonly spillFiles: string[] = [];
  private readonly memoryLimitBytes: number;
  private static counter = 0;

  constructor(private readonly options: ExternalRecordSorterOptions) {
    this.memoryLimitBytes = options.memoryLimitBytes ?? 32 << 20;
  }

  get spilledRuns(): number {
    return this.spillFiles.length;
  }

  async add(key: RecordKey, line: string): Promise<void> {
    this.run.push({ key, line });
    this.runBytes += line.length * 2 + ENTRY_OVERHEAD_BYTES;
    if (this.runBytes >= this.memoryLimitBytes) await this.spill();
  }

  /**
   * Every distinct key once, in order; call once, after the last add. `before` is a run sorted
   * already (strictly increasing keys) that counts as added before everything else.
   */
  async *sorted(before?: AsyncIterable<SortedRecord>): AsyncGenerator<SortedRecord> {
    const inMemory = lastOfEachKey(sortRun(this.run));
    this.run = [];
    this.runBytes = 0;
    if (before === undefined && this.spillFiles.length === 0) {
      yield* inMemory;
      return;
    }
    yield* mergeRuns([
      ...(before ? [before] : []),
      ...this.spillFiles.map((file) => spilledRecords(file)),
      iterateAsync(inMemory),
    ]);
  }

  async dispose(): Promise<void> {
    this.run = [];
    await Promise.all(this.spillFiles.map((file) => fs.rm(file, { force: true })));
  }

  private async spill(): Promise<void> {
    const file = path.join(
      this.options.tempDir,
      `sort-run-${process.pid}-${ExternalRecordSorter.counter++}.tmp`,
    );
    this.spillFiles.push(file);
    const records = lastOfEachKey(sortRun(this.run));
    this.run = [];
    this.runBytes = 0;
    const handle = await fs.open(file, 'w');
    try {
      let batch = '';
      for (const record of records) {
        batch += `${keyText(record.key)}\t${record.line}\n`;
        if (batch.length >= WRITE_BATCH_BYTES) {
          await handle.write(batch);
          batch = '';
        }
      }
      if (batch.length > 0) await handle.write(batch);
    } finally {
      await handle.close();
    }
  }
}

function sortRun(run: SortedRecord[]): SortedRecord[] {
  return run.sort((a, b) => compareKeys(a.key, b.key)); // stable: equal keys keep insertion order
}

function* lastOfEachKey(sorted: SortedRecord[]): Generator<SortedRecord> {
  for (let i = 0; i < sorted.length; i++) {
    const next = sorted[i + 1];
    if (next !== undefined && compareKeys(sorted[i]!.key, next.key) === 0) continue;
    yield sorted[i]!;
  }
}

async function* spilledRecords(file: string): AsyncGenerator<SortedRecord> {
  for await (const lines of readLineBatches(readFileChunks(file))) {
    for (const text of lines) {
      const tab = text.indexOf('\t');
      yield { key: parseKeyText(text.slice(0, tab)), line: text.slice(tab + 1) };
    }
  }
}

async function* iterateAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

interface RunHead {
  record: SortedRecord;
  /** Later runs hold later additions, so they win ties. */
  runIndex: number;
  records: AsyncIterator<SortedRecord>;
}

async function* mergeRuns(runs: Array<AsyncIterable<SortedRecord>>): AsyncGenerator<SortedRecord> {
  const heap = new MinHeap<RunHead>(
    (a, b) => compareKeys(a.record.key, b.record.key) || b.runIndex - a.runIndex,
  );
  const advance = async (head: RunHead): Promise<void> => {
    const next = await head.records.next();
    if (!next.done) {
      head.record = next.value;
      heap.push(head);
    }
  };
  await Promise.all(
    runs.map((run, runIndex) =>
      advance({ runIndex, records: run[Symbol.asyncIterator](), record: undefined as never }),
    ),
  );
  let last: SortedRecord | undefined;
  while (heap.size > 0) {
    const head = heap.pop()!;
    if (last === undefined || compareKeys(last.key, head.record.key) !== 0) {
      last = head.record;
      yield head.record;
    }
    await advance(head);
  }
}
