/**
 * `export`: a snapshot, or the subtree at a path in it, as one zip or tar.gz archive (README.md, `export`),
 * streamed from the repository into the output (archive-writer.ts, content-stream.ts) in
 * constant memory. Entries are named as the snapshot's restore layout below the exported path's
 * parent: exporting `/` gives `src/…` and `api/<source>/<endpoint>.ndjson`, exporting
 * `/src/docs` gives `docs/…`. Names that could escape the folder an archive is unpacked into
 * are refused, as restore refuses them. Hard links come out as separate files; named pipes and
 * device nodes, which neither format holds here, are reported; sockets are left out.
 */
import type { Writable } from 'node:stream';
import type { BackupWarning } from '../../../shared/domain.js';
import { nodeAt } from '../browse/snapshot-browser.js';
import { CairnError } from '../errors.js';
import type { TreeNode } from '../format/tree.js';
import type { Repository } from '../repository/repository.js';
import { isSafeName, splitSnapshotPath } from '../restore/safe-name.js';
import { treeSize } from '../restore/tree-size.js';
import type { JobControl } from '../operation-types.js';
import { findSnapshot } from '../snapshots/snapshot-store.js';
import { throwIfCancelled } from '../util/cancel.js';
import { ProgressMeter } from '../util/progress-meter.js';
import { ArchiveWriter, type ArchiveFormat } from './archive-writer.js';
import { ContentStream } from './content-stream.js';
import { OutputFile } from './output-file.js';

export type { ArchiveFormat };

export interface ExportRequest {
  snapshot: string;
  /** A path in the snapshot (`/src/docs`); default `/`, all of it. */
  path?: string;
  format: ArchiveFormat;
  /**
   * A file, written under a temporary name beside it and renamed once complete, or a stream
   * (standard output), which is not ended.
   */
  output: string | Writable;
}

export interface ExportResult {
  files: number;
  dirs: number;
  symlinks: number;
  /** Bytes of file content archived. */
  bytes: number;
  /** Size of the archive written. */
  archive_bytes: number;
  /** The archive's file; null when written to a stream. */
  output: string | null;
  /** Entries left out of the archive, and why. */
  warnings: BackupWarning[];
}

interface ExportContext {
  repo: Repository;
  writer: ArchiveWriter;
  meter: ProgressMeter;
  result: ExportResult;
  signal: AbortSignal | undefined;
}

export async function exportSnapshot(
  repo: Repository,
  request: ExportRequest,
  control: JobControl = {},
): Promise<ExportResult> {
  // Snapshot first, index second: a backup finishing in between has written its index first.
  const snapshot = await findSnapshot(repo, request.snapshot);
  await repo.loadIndex();
  const from = request.path ?? '/';
  const parts = splitSnapshotPath(from);
  if (!parts) throw new CairnError('invalid-argument', `${from} is not a valid snapshot path`);
  const top = await nodeAt(repo, snapshot.tree, from);
  const meter = new ProgressMeter('export', control.onProgress, control.progressIntervalMs);
  if (control.onProgress) {
    const total =
      top.type === 'dir' && top.subtree
        ? await treeSize(repo, await repo.loadTree(top.subtree), () => 'all')
        : { files: 1, bytes: top.size ?? 0 };
    meter.filesTotal = total.files;
    meter.bytesTotal = total.bytes;
  }
  const file =
    typeof request.output === 'string' ? await OutputFile.create(request.output) : undefined;
  const writer = new ArchiveWriter(
    request.format,
    file?.stream ?? (request.output as Writable),
    file !== undefined,
    file ? String(request.output) : 'standard output',
  );
  const result: ExportResult = {
    files: 0,
    dirs: 0,
    symlinks: 0,
    bytes: 0,
    archive_bytes: 0,
    output: file?.file ?? null,
    warnings: [],
  };
  const ctx: ExportContext = { repo, writer, meter, result, signal: control.signal };
  const cancel = (): void => writer.fail(new CairnError('cancelled', 'cancelled'));
  control.signal?.addEventListener('abort', cancel, { once: true });
  try {
    throwIfCancelled(control.signal);
    meter.emit(true);
    if (parts.length === 0) await exportChildren(ctx, top, '', '');
    else await exportNode(ctx, top, top.name, '/' + parts.join('/'));
    result.archive_bytes = await writer.finish();
    await file?.commit();
    meter.emit(true);
    return result;
  } catch (err) {
    writer.fail(err as Error);
    await file?.discard();
    if (control.signal?.aborted) throw new CairnError('cancelled', 'cancelled', { cause: err });
    throw err;
  } finally {
    control.signal?.removeEventListener('abort', cancel);
  }
}

/** The entries of a folder: `shown` is its snapshot path, `name` its name in the archive. */
async function exportChildren(
  ctx: ExportContext,
  dir: TreeNode,
  shownDir: string,
  nameDir: string,
): Promise<void> {
  if (!dir.subtree) return;
  const seen = new Set<string>();
  for (const child of (await ctx.repo.loadTree(dir.subtree)).nodes) {
    const shown = `${shownDir}/${child.name}`;
    if (!isSafeName(child.name) || seen.has(child.name)) {
      ctx.result.warnings.push({
        path: shown,
        message: 'refused: unsafe or duplicate name in snapshot',
      });
      continue;
    }
    seen.add(child.name);
    await exportNode(ctx, child, nameDir ? `${nameDir}/${child.name}` : child.name, shown);
  }
}

/** Adds one node (and, for a folder, what it holds) as the archive entry `name`. */
async function exportNode(
  ctx: ExportContext,
  node: TreeNode,
  name: string,
  shown: string,
): Promise<void> {
  throwIfCancelled(ctx.signal);
  const { writer, meter, result } = ctx;
  meter.current = shown;
  const common = {
    name,
    mode: node.mode,
    date: mtimeDate(node.mtime_ns),
    ...(node.uid !== undefined ? { uid: node.uid } : {}),
    ...(node.gid !== undefined ? { gid: node.gid } : {}),
  };
  switch (node.type) {
    case 'dir':
      await writer.add(Buffer.alloc(0), { ...common, name: `${name}/`, type: 'directory' });
      result.dirs++;
      await exportChildren(ctx, node, shown, name);
      return;
    case 'file': {
      const size = node.size ?? 0;
      const content = node.content?.length
        ? new ContentStream(ctx.repo, node, shown, (n) => {
            result.bytes += n;
            meter.bytes += n;
            meter.emit();
          })
        : Buffer.alloc(0);
      await writer.add(content, { ...common, type: 'file', stats: { size } });
      result.files++;
      meter.files++;
      meter.emit();
      return;
    }
    case 'symlink':
      await writer.add(Buffer.alloc(0), {
        ...common,
        type: 'symlink',
        linkname: node.link_target ?? '',
      });
      result.symlinks++;
      return;
    case 'socket':
      // A socket belongs to the program listening on it; there is nothing to keep.
      return;
    default:
      result.warnings.push({
        path: shown,
        message: `not exported: ${node.type === 'fifo' ? 'a named pipe' : 'a device node'}, which the archive cannot hold`,
      });
  }
}

/** Archives take times as Dates (to the millisecond; the formats keep less). */
function mtimeDate(mtimeNs: string): Date {
  return new Date(Number(BigInt(mtimeNs) / 1_000_000n));
}
