/**
 * Turns one endpoint's records, in the order they are fetched, into its stored file: canonical
 * lines in id order, merged with the previous snapshot's records on an incremental run.
 *
 * Most APIs page in id order, so the pipe bets on it: while each record's key is greater than
 * the one before, records go straight out (merged with the previous records as they pass) to
 * the channel the consumer stores from, while the endpoint is still being fetched, and storing
 * is done when fetching is. The last record is held back until the next one arrives, so a record
 * fetched twice in a row (pages shifting under an insert) is stored once, the later copy.
 *
 * The first record that arrives out of order ends the bet: the consumer's attempt is restarted,
 * what was streamed so far (kept in a temp file by the writer, each record's key beside it, so
 * nothing is parsed again) becomes the first run of an external sort, every later record goes
 * into the sort, and the file is written from the sort once the last record is in. The order of
 * the result is the same either way; only when it can be stored differs.
 */
import { rename } from 'node:fs/promises';
import type { EndpointFileChannel } from './endpoint-file-channel.js';
import { EndpointFileWriter } from './endpoint-file-writer.js';
import { ExternalRecordSorter, type SortedRecord } from './external-record-sorter.js';
import { readFileChunks, readLineBatches } from './ndjson-lines.js';
import { compareKeys, parseKeyText, type RecordKey } from './record-key.js';
import { mergeSortedRecords } from './sorted-record-merge.js';

export interface EndpointRecordPipeOptions {
  channel: EndpointFileChannel;
  /** Where the stored file's copy is written (and the streamed part kept, should it be sorted). */
  file: string;
  tempDir: string;
  /** The sort's memory bound (see ExternalRecordSorter). */
  memoryLimitBytes?: number;
  /** The previous snapshot's stored records, for an incremental run. */
  previous?: AsyncIterable<SortedRecord>;
}

export class EndpointRecordPipe {
  private writer: EndpointFileWriter | undefined;
  private held: SortedRecord | undefined;
  private sorter: ExternalRecordSorter | undefined;
  private streamed: { file: string; keys: string } | undefined;
  private readonly previous: AsyncIterator<SortedRecord> | undefined;
  private previousHead: SortedRecord | undefined;

  private constructor(private readonly options: EndpointRecordPipeOptions) {
    this.previous = options.previous?.[Symbol.asyncIterator]();
  }

  static async open(options: EndpointRecordPipeOptions): Promise<EndpointRecordPipe> {
    const pipe = new EndpointRecordPipe(options);
    pipe.writer = await EndpointFileWriter.create(
      options.channel,
      options.file,
      `${options.file}.keys`,
    );
    await pipe.nextPrevious();
    return pipe;
  }

  /**
   * The next fetched record; a later record with the same key replaces an earlier one. Returns
   * a promise only when there is I/O to wait for.
   */
  add(key: RecordKey, line: string): Promise<void> | undefined {
    if (this.sorter) return this.sorter.add(key, line);
    const held = this.held;
    this.held = { key, line };
    if (held === undefined) return undefined;
    const order = compareKeys(key, held.key);
    if (order > 0) {
      return this.previousHead ? this.emitFetched(held) : this.writer!.add(held.line, held.key);
    }
    return order < 0 ? this.startSorting(held) : undefined;
  }

  /** After the last record: writes what is left and returns how many records the file holds. */
  async finish(): Promise<number> {
    if (this.sorter) return this.finishSorted(this.sorter);
    if (this.held) await this.emitFetched(this.held);
    this.held = undefined;
    while (this.previousHead) {
      await this.writer!.add(this.previousHead.line, this.previousHead.key);
      await this.nextPrevious();
    }
    await this.writer!.close();
    return this.writer!.records;
  }

  /**
   * Closes what is open and removes the sort's temp files (the caller removes the folder
   * holding the rest); after a failure, nothing more is sent.
   */
  async dispose(): Promise<void> {
    try {
      await this.writer?.closeWithoutSending();
      await this.previous?.return?.();
    } finally {
      await this.sorter?.dispose();
    }
  }

  /** A fetched record, in order: first the previous records before it, replacing its own. */
  private async emitFetched(record: SortedRecord): Promise<void> {
    while (this.previousHead) {
      const order = compareKeys(this.previousHead.key, record.key);
      if (order > 0) break;
      if (order < 0) await this.writer!.add(this.previousHead.line, this.previousHead.key);
      await this.nextPrevious();
    }
    await this.writer!.add(record.line, record.key);
  }

  private async nextPrevious(): Promise<void> {
    const next = await this.previous?.next();
    this.previousHead = next === undefined || next.done ? undefined : next.value;
  }

  /** `held` was added before the record that broke the order (now in `this.held`). */
  private async startSorting(held: SortedRecord): Promise<void> {
    const { options } = this;
    await this.writer!.closeWithoutSending();
    this.streamed = { file: `${options.file}.streamed`, keys: `${options.file}.streamed-keys` };
    await rename(options.file, this.streamed.file);
    await rename(`${options.file}.keys`, this.streamed.keys);
    options.channel.restart();
    this.sorter = new ExternalRecordSorter({
      tempDir: options.tempDir,
      memoryLimitBytes: options.memoryLimitBytes,
    });
    await this.sorter.add(held.key, held.line);
    await this.sorter.add(this.held!.key, this.held!.line);
    this.held = undefined;
  }

  private async finishSorted(sorter: ExternalRecordSorter): Promise<number> {
    const { options } = this;
    // What was streamed holds fetched and previous records merged, in order, and was added
    // before everything in the sorter; the previous records not streamed yet are merged after.
    const streamed = keyedRecords(this.streamed!.keys, this.streamed!.file);
    const records = mergeSortedRecords(sorter.sorted(streamed), this.previousRest());
    const writer = await EndpointFileWriter.create(options.channel, options.file);
    this.writer = writer;
    for await (const record of records) await writer.add(record.line);
    await writer.close();
    return writer.records;
  }

  private async *previousRest(): AsyncGenerator<SortedRecord> {
    while (this.previousHead) {
      yield this.previousHead;
      await this.nextPrevious();
    }
  }
}

/** Records written with their keys beside them (EndpointFileWriter with a keys file). */
async function* keyedRecords(keysFile: string, linesFile: string): AsyncGenerator<SortedRecord> {
  const keys = readLineBatches(readFileChunks(keysFile));
  let batch: string[] = [];
  let at = 0;
  try {
    for await (const lines of readLineBatches(readFileChunks(linesFile))) {
      for (const line of lines) {
        if (at === batch.length) {
          const next = await keys.next();
          if (next.done) throw new Error(`${keysFile}: fewer keys than records`);
          batch = next.value;
          at = 0;
        }
        yield { key: parseKeyText(batch[at++]!), line };
      }
    }
  } finally {
    await keys.return(undefined);
  }
}
