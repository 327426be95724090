/**
 * Lines up the chunk lists of two versions of a file, as patience diff lines up text: chunks
 * that occur exactly once in each list are anchors, and the longest run of anchors in the same
 * order on both sides (a longest increasing subsequence, O(n log n)) is kept. Content-defined
 * chunking makes an unchanged stretch of a file the same chunks in both versions, so what is
 * left between the anchors is where the versions differ.
 */

/** Chunks a[aStart … aStart+length) equal b[bStart … bStart+length), one for one. */
export interface EqualRun {
  aStart: number;
  bStart: number;
  length: number;
}

export function alignChunks(a: readonly string[], b: readonly string[]): EqualRun[] {
  const countA = counts(a);
  const countB = counts(b);
  const positionInB = new Map<string, number>();
  b.forEach((id, j) => {
    if (countB.get(id) === 1 && countA.get(id) === 1) positionInB.set(id, j);
  });
  const pairs: Array<[number, number]> = [];
  a.forEach((id, i) => {
    const j = positionInB.get(id);
    if (j !== undefined) pairs.push([i, j]);
  });
  const kept = longestIncreasing(pairs);
  const runs: EqualRun[] = [];
  for (const [i, j] of kept) {
    const last = runs.at(-1);
    if (last && last.aStart + last.length === i && last.bStart + last.length === j) last.length++;
    else runs.push({ aStart: i, bStart: j, length: 1 });
  }
  return runs;
}

function counts(ids: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of ids) out.set(id, (out.get(id) ?? 0) + 1);
  return out;
}

/** The longest subsequence of pairs (already increasing in their first item) increasing in the second. */
function longestIncreasing(pairs: Array<[number, number]>): Array<[number, number]> {
  // tails[k]: index into pairs of the smallest second item ending an increasing run of k+1.
  const tails: number[] = [];
  const previous = new Array<number>(pairs.length).fill(-1);
  pairs.forEach(([, j], index) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]!]![1] < j) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[index] = tails[lo - 1]!;
    tails[lo] = index;
  });
  const out: Array<[number, number]> = [];
  for (let k = tails.at(-1) ?? -1; k >= 0; k = previous[k]!) out.push(pairs[k]!);
  return out.reverse();
}
