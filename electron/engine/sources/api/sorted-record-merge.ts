/**
 * Incremental sync: the records fetched in this run (sorted) merged with the previous snapshot's
 * stored records (sorted the same way). A fetched record replaces the stored one with the same
 * key; stored records the run did not fetch are kept, since an incremental fetch cannot tell a
 * deleted record from an unchanged one.
 */
import { compareKeys } from './record-key.js';
import type { SortedRecord } from './external-record-sorter.js';

export async function* mergeSortedRecords(
  fetched: AsyncIterable<SortedRecord>,
  previous: AsyncIterable<SortedRecord>,
): AsyncGenerator<SortedRecord> {
  const a = fetched[Symbol.asyncIterator]();
  const b = previous[Symbol.asyncIterator]();
  let x = await a.next();
  let y = await b.next();
  while (!x.done || !y.done) {
    if (y.done) {
      yield x.value as SortedRecord;
      x = await a.next();
    } else if (x.done) {
      yield y.value;
      y = await b.next();
    } else {
      const order = compareKeys(x.value.key, y.value.key);
      if (order <= 0) {
        yield x.value;
        x = await a.next();
        if (order === 0) y = await b.next();
      } else {
        yield y.value;
        y = await b.next();
      }
    }
  }
}
