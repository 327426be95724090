import { useState } from 'react';
import { layoutJson } from '../../../shared/json-layout';

/**
 * API records as a list: one record per line (compact JSON), and the selected one
 * pretty-printed, so a page of records can be scanned and any one read in full.
 */
export function RecordList({ records, testId }: { records: string[]; testId: string }) {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <ol className="record-list" data-testid={`${testId}-list`}>
      {records.map((record, i) => {
        const expanded = open === i;
        return (
          <li key={i} className={expanded ? 'record record-open' : 'record'}>
            <button
              type="button"
              className="record-line mono"
              aria-expanded={expanded}
              onClick={() => setOpen(expanded ? null : i)}
              data-testid={testId}
              data-index={i}
            >
              {expanded ? <pre>{record}</pre> : compact(record)}
            </button>
          </li>
        );
      })}
    </ol>
  );
}

function compact(record: string): string {
  try {
    // From the text, not through JSON.parse, which would round ids beyond 2^53.
    return layoutJson(record, 0);
  } catch {
    return record;
  }
}
