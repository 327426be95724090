/**
 * Finds, in two versions of an endpoint file (canonical JSON lines sorted by id), the stretches
 * where they differ, reading as few chunks as it can.
 *
 * The chunk lists are aligned (chunk-alignment.ts) into runs of chunks both versions share. The
 * bytes of a run are the same on both sides, so every whole line inside a run is the same record
 * in both files and needs no reading. Only the lines that cross a run's edges may differ: the
 * bytes before its first newline end a line that started before the run, and those after its
 * last newline start one that ends after it. Usually a change lies inside a chunk, so the lines
 * crossing into a run end (or begin) the same way in the differing chunks on both sides: they are
 * the same line, and the run is not read at all. Otherwise the run's edge chunks are read. A
 * stretch is therefore the differing chunks between two runs on each side, cut at their first
 * and last newlines, or extended by the run's tail before and head after them (the bytes after
 * the run's last newline, up to its first one). It holds whole lines on each side, and since
 * both files are sorted and the runs between stretches hold the same records, the records of a
 * stretch on side A and on side B lie in the same range of ids: a merge of the two by id finds
 * exactly the records added, removed and changed there.
 *
 * A run with no newline at all lies inside one line; it is read as part of the stretch around it.
 * A run that starts both files needs no head, and one that ends both needs no tail: files start
 * with a line and end with a newline.
 */
import { alignChunks } from './chunk-alignment.js';
import type { DiffReader } from './diff-reader.js';

/** Bytes [from, to) of a chunk's plaintext; `to` undefined is its end. */
export interface Piece {
  id: string;
  from: number;
  to?: number;
}

export interface Stretch {
  a: Piece[];
  b: Piece[];
}

const NEWLINE = 0x0a;

export async function* differingStretches(
  a: readonly string[],
  b: readonly string[],
  reader: DiffReader,
): AsyncGenerator<Stretch> {
  let pendingA: Piece[] = [];
  let pendingB: Piece[] = [];
  let nextA = 0;
  let nextB = 0;
  const whole = (id: string): Piece => ({ id, from: 0 });
  const runs = alignChunks(a, b);
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r]!;
    for (; nextA < run.aStart; nextA++) pendingA.push(whole(a[nextA]!));
    for (; nextB < run.bStart; nextB++) pendingB.push(whole(b[nextB]!));
    nextA = run.aStart + run.length;
    nextB = run.bStart + run.length;
    const ids = a.slice(run.aStart, nextA);
    const startsBoth = run.aStart === 0 && run.bStart === 0;
    const endsBoth = nextA === a.length && nextB === b.length;

    // Usually a change sits inside a chunk, and the lines that cross into the runs on either
    // side end (or start) the same way on both sides: then they are the same lines, and the
    // run's edges need no reading. Both edges must qualify: a run may lie inside one line.
    const following = runs[r + 1];
    const hasNextA = nextA < (following?.aStart ?? a.length);
    const hasNextB = nextB < (following?.bStart ?? b.length);
    const ending = startsBoth
      ? { a: 0, b: 0 }
      : pendingA.length > 0 &&
        pendingB.length > 0 &&
        (await sameEnding(pendingA.at(-1)!, pendingB.at(-1)!, reader));
    const beginning = endsBoth
      ? { a: 0, b: 0 }
      : hasNextA && hasNextB && (await sameBeginning(a[nextA]!, b[nextB]!, reader));
    if (ending && beginning) {
      if (!startsBoth) {
        pendingA.at(-1)!.to = ending.a;
        pendingB.at(-1)!.to = ending.b;
        yield { a: pendingA, b: pendingB };
        pendingA = [];
        pendingB = [];
      }
      if (!endsBoth) {
        pendingA.push({ id: a[nextA++]!, from: beginning.a });
        pendingB.push({ id: b[nextB++]!, from: beginning.b });
      }
      continue;
    }

    if (!startsBoth) {
      const head = await firstNewline(ids, reader);
      if (!head) {
        // Inside one line: the run is part of the stretch around it.
        pendingA.push(...ids.map(whole));
        pendingB.push(...ids.map(whole));
        continue;
      }
      const pieces = [...ids.slice(0, head.chunk).map(whole), head.piece];
      pendingA.push(...pieces);
      pendingB.push(...pieces.map((p) => ({ ...p })));
      yield { a: pendingA, b: pendingB };
      pendingA = [];
      pendingB = [];
    }
    if (endsBoth) continue;
    const tail = await lastNewline(ids, reader);
    const pieces = tail
      ? [tail.piece, ...ids.slice(tail.chunk + 1).map(whole)]
      : // No newline: only possible for a run that starts both files; it begins the first line.
        ids.map(whole);
    pendingA.push(...pieces);
    pendingB.push(...pieces.map((p) => ({ ...p })));
  }
  for (; nextA < a.length; nextA++) pendingA.push(whole(a[nextA]!));
  for (; nextB < b.length; nextB++) pendingB.push(whole(b[nextB]!));
  if (pendingA.length > 0 || pendingB.length > 0) yield { a: pendingA, b: pendingB };
}

/**
 * Where the last lines of two stretches (each ending with a whole chunk) cross into the same
 * run: if their bytes after the last newline are equal, they are the same line; the stretches
 * then end after that newline.
 */
async function sameEnding(
  lastA: Piece,
  lastB: Piece,
  reader: DiffReader,
): Promise<{ a: number; b: number } | undefined> {
  const dataA = await reader.blob(lastA.id);
  const dataB = await reader.blob(lastB.id);
  const atA = dataA.lastIndexOf(NEWLINE);
  const atB = dataB.lastIndexOf(NEWLINE);
  if (atA < lastA.from || atB < lastB.from) return undefined;
  return dataA.subarray(atA + 1).equals(dataB.subarray(atB + 1))
    ? { a: atA + 1, b: atB + 1 }
    : undefined;
}

/** The same for the first lines after a run: equal up to the first newline, the same line. */
async function sameBeginning(
  firstA: string,
  firstB: string,
  reader: DiffReader,
): Promise<{ a: number; b: number } | undefined> {
  const dataA = await reader.blob(firstA);
  const dataB = await reader.blob(firstB);
  const atA = dataA.indexOf(NEWLINE);
  const atB = dataB.indexOf(NEWLINE);
  if (atA < 0 || atB < 0) return undefined;
  return dataA.subarray(0, atA).equals(dataB.subarray(0, atB))
    ? { a: atA + 1, b: atB + 1 }
    : undefined;
}

/** Through the first newline of the run: `piece` is the part of chunk `chunk` up to it. */
async function firstNewline(
  ids: readonly string[],
  reader: DiffReader,
): Promise<{ chunk: number; piece: Piece } | undefined> {
  for (let k = 0; k < ids.length; k++) {
    const at = (await reader.blob(ids[k]!)).indexOf(NEWLINE);
    if (at >= 0) return { chunk: k, piece: { id: ids[k]!, from: 0, to: at + 1 } };
  }
  return undefined;
}

/** After the last newline of the run: `piece` is the part of chunk `chunk` after it. */
async function lastNewline(
  ids: readonly string[],
  reader: DiffReader,
): Promise<{ chunk: number; piece: Piece } | undefined> {
  for (let k = ids.length - 1; k >= 0; k--) {
    const at = (await reader.blob(ids[k]!)).lastIndexOf(NEWLINE);
    if (at >= 0) return { chunk: k, piece: { id: ids[k]!, from: at + 1 } };
  }
  return undefined;
}

/** The bytes of pieces, one chunk at a time, loaded only when the reader gets to them. */
export async function* pieceBytes(
  pieces: readonly Piece[],
  reader: DiffReader,
): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) {
    const data = await reader.blob(piece.id);
    const part = data.subarray(piece.from, piece.to ?? data.length);
    if (part.length > 0) yield part;
  }
}
