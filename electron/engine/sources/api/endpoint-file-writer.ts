/**
 * Writes an endpoint's stored records as `.ndjson` lines, in batches, both to the channel the
 * consumer stores from and to a temp file copy. Child endpoints read their parent records from
 * that copy, and if the records stop arriving in order, it is the first run of the sort: for
 * that, the writer can keep each record's key beside the copy, one line per record in a keys
 * file, so the sort need not parse the records again.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { EndpointFileChannel } from './endpoint-file-channel.js';
import { keyText, type RecordKey } from './record-key.js';

const BATCH_BYTES = 256 * 1024;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit. */
const MAX_BYTES_PER_CHAR = 3;

export class EndpointFileWriter {
  records = 0;
  // Lines are encoded straight into a batch buffer: several times faster than concatenating
  // them into one string and encoding that (a rope V8 must flatten first).
  private batch = Buffer.allocUnsafe(BATCH_BYTES);
  private used = 0;
  private keys = '';
  private closed = false;

  private constructor(
    private readonly channel: EndpointFileChannel,
    private readonly handle: FileHandle,
    private readonly keysHandle: FileHandle | undefined,
  ) {}

  /** With `keysFile`, every `add` must come with its record's key. */
  static async create(
    channel: EndpointFileChannel,
    file: string,
    keysFile?: string,
  ): Promise<EndpointFileWriter> {
    const handle = await open(file, 'w');
    const keysHandle = keysFile === undefined ? undefined : await open(keysFile, 'w');
    return new EndpointFileWriter(channel, handle, keysHandle);
  }

  /**
   * One record: its line without the newline. Returns a promise only when the batch is sent
   * (a million records need not make a million promises).
   */
  add(line: string, key?: RecordKey): Promise<void> | undefined {
    this.records++;
    if (this.keysHandle) this.keys += `${keyText(key!)}\n`;
    if (line.length * MAX_BYTES_PER_CHAR + 1 > this.batch.length - this.used) {
      return this.addAfterFlush(line);
    }
    this.append(line);
    return undefined;
  }

  private append(line: string): void {
    this.used += this.batch.write(line, this.used, 'utf8');
    this.batch[this.used++] = 0x0a;
  }

  private async addAfterFlush(line: string): Promise<void> {
    await this.flush(true);
    if (line.length * MAX_BYTES_PER_CHAR + 1 > this.batch.length) {
      await this.send(Buffer.from(`${line}\n`, 'utf8'), true);
    } else {
      this.append(line);
    }
  }

  /** Everything written so far is the whole file. */
  async close(): Promise<void> {
    await this.closeAfter(true);
  }

  /** The copy on disk is complete, but the rest is not sent: this attempt is being given up. */
  async closeWithoutSending(): Promise<void> {
    await this.closeAfter(false);
  }

  private async closeAfter(send: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush(send);
    } finally {
      await this.handle.close();
      await this.keysHandle?.close();
    }
  }

  private async flush(send: boolean): Promise<void> {
    if (this.used === 0) return;
    const bytes = this.batch.subarray(0, this.used);
    // The consumer keeps what it is sent, so the next batch gets a buffer of its own.
    this.batch = Buffer.allocUnsafe(BATCH_BYTES);
    this.used = 0;
    await this.send(bytes, send);
  }

  /** `bytes` (whole lines) to the channel and the copy; the keys so far to the keys file. */
  private async send(bytes: Buffer, toChannel: boolean): Promise<void> {
    const keys = this.keys;
    this.keys = '';
    await Promise.all([
      toChannel ? this.channel.write(bytes) : undefined,
      writeAll(this.handle, bytes),
      this.keysHandle && keys.length > 0
        ? writeAll(this.keysHandle, Buffer.from(keys, 'utf8'))
        : undefined,
    ]);
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, offset);
    offset += bytesWritten;
  }
}
