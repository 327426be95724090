/**
 * A file's content from the repository as a Readable: one chunk is loaded (read, unsealed,
 * checked against its id) only when the archive asks for more, with the next one loaded ahead
 * while the archive compresses the current. So what an export holds in memory is about two
 * chunks per file being written, whatever the size of the file: the archive's back-pressure
 * reaches all the way to the pack reads.
 */
import { Readable } from 'node:stream';
import { CairnError } from '../errors.js';
import type { TreeNode } from '../format/tree.js';
import type { Repository } from '../repository/repository.js';

export class ContentStream extends Readable {
  private next = 0;
  private ahead: Promise<Buffer> | undefined;
  private pumping = false;
  private bytes = 0;
  /** A run of the same chunk (a sparse file's zeros) is unsealed once. */
  private last: { id: string; data: Buffer } | undefined;

  constructor(
    private readonly repo: Repository,
    private readonly node: TreeNode,
    /** The path shown in messages. */
    private readonly shown: string,
    private readonly onBytes: (n: number) => void,
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _read(): void {
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    const ids = this.node.content ?? [];
    try {
      for (;;) {
        if (this.destroyed) return;
        if (this.next >= ids.length) {
          if (this.node.size !== undefined && this.bytes !== this.node.size) {
            throw new CairnError(
              'corrupt',
              `${this.shown}: its chunks hold ${this.bytes} bytes, the snapshot says ${this.node.size}`,
            );
          }
          this.push(null);
          return;
        }
        const data = await (this.ahead ?? this.load(ids[this.next]!));
        this.ahead = undefined;
        this.next++;
        if (this.next < ids.length) {
          this.ahead = this.load(ids[this.next]!);
          this.ahead.catch(() => undefined); // awaited on the next turn, unless destroyed first
        }
        this.bytes += data.length;
        this.onBytes(data.length);
        if (!this.push(data)) return;
      }
    } catch (err) {
      this.destroy(err as Error);
    } finally {
      this.pumping = false;
    }
  }

  private async load(id: string): Promise<Buffer> {
    if (this.last?.id === id) return this.last.data;
    const data = await this.repo.loadBlob(id);
    this.last = { id, data };
    return data;
  }
}
