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
 * what was streamed so far (kept in a temp file by the writer) becomes the first run of an
 * external sort, every later record goes into the sort, and the file is written from the sort
 * once the last record is in. The order of the result is the same either way; only when it can
 * be stored differs.
 */
import { rename } from 'node:fs/promises';
import type { EndpointFileChannel } from './endpoint-file-channel.js';
import { EndpointFileWriter } from './endpoint-file-writer.js';
import { ExternalRecordSorter, type SortedRecord } from './external-record-sorter.js';
import { readFileChunks } from './ndjson-lines.js';
import { compareKeys, type RecordKey } from './record-key.js';
import type { RecordPath } from './record-path.js';
import { mergeSortedRecords } from './sorted-record-merge.js';
import { readStoredRecords } from './stored-records.js';

export interface EndpointRecordPipeOptions {
  channel: EndpointFileChannel;
  /** Where the stored file's copy is written (and the streamed part kept, should it be sorted). */
  file: string;
  tempDir: string;
  /** The sort's memory bound (see ExternalRecordSorter). */
  memoryLimitBytes?: number;
  /** How the endpoint's id is found in a stored record. */
  idPath: RecordPath;
  /** The previous snapshot's stored records, for an incremental run. */
  previous?: AsyncIterable<SortedRecord>;
}

export class EndpointRecordPipe {
  private writer: EndpointFileWriter | undefined;
  private held: SortedRecord | undefined;
  private sorter: ExternalRecordSorter | undefined;
  private streamedFile: string | undefined;
  private readonly previous: AsyncIterator<SortedRecord> | undefined;
  private previousHead: SortedRecord | undefined;

  private constructor(private readonly options: EndpointRecordPipeOptions) {
    this.previous = options.previous?.[Symbol.asyncIterator]();
  }

  static async open(options: EndpointRecordPipeOptions): Promise<EndpointRecordPipe> {
    const pipe = new EndpointRecordPipe(options);
    pipe.writer = await EndpointFileWriter.create(options.channel, options.file);
    await pipe.nextPrevious();
    return pipe;
  }

  /** True once records arrived out of order and are being sorted. */
  get sorting(): boolean {
    return this.sorter !== undefined;
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
      return this.previousHead ? this.emitFetched(held) : this.writer!.add(held.line);
    }
    return order < 0 ? this.startSorting(held) : undefined;
  }

  /** After the last record: writes what is left and returns how many records the file holds. */
  async finish(): Promise<number> {
    if (this.sorter) return this.finishSorted(this.sorter);
    if (this.held) await this.emitFetched(this.held);
    this.held = undefined;
    while (this.previousHead) {
      await this.writer!.add(this.previousHead.line);
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
      if (order < 0) await this.writer!.add(this.previousHead.line);
      await this.nextPrevious();
    }
    await this.writer!.add(record.line);
  }

  private async nextPrevious(): Promise<void> {
    const next = await this.previous?.next();
    this.previousHead = next === undefined || next.done ? undefined : next.value;
  }

  /** `held` was added before the record that broke the order (now in `this.held`). */
  private async startSorting(held: SortedRecord): Promise<void> {
    const { options } = this;
    await this.writer!.closeWithoutSending();
    this.streamedFile = `${options.file}.streamed`;
    await rename(options.file, this.streamedFile);
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
    const streamed = readStoredRecords(readFileChunks(this.streamedFile!), options.idPath);
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
