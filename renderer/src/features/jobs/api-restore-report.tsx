import type { ApiRestoreRecord, ApiRestoreReport } from '../../../../shared/api-restore';
import { plural } from '../../components/format';

const maxListed = 200;

/** A finished restore into an API: counts, each skipped and failed record with its reason, files. */
export function ApiRestoreReportView({ report }: { report: ApiRestoreReport }) {
  const { counts } = report;
  return (
    <div className="job-result" data-testid="job-result">
      <p data-testid="api-restore-counts">
        {report.resumed ? 'Resumed and finished: ' : ''}
        {plural(counts.succeeded, 'record')} restored into <code>{report.baseUrl}</code>,{' '}
        {counts.skipped} skipped, {counts.failed} failed.
      </p>
      <RecordList
        title="Failed"
        records={report.failed}
        total={counts.failed}
        testId="api-restore-failed"
      />
      <RecordList
        title="Skipped"
        records={report.skipped}
        total={counts.skipped}
        testId="api-restore-skipped"
      />
      <ul className="muted small" data-testid="api-restore-files">
        {report.reportFile !== null && (
          <li>
            Every record's outcome: <code>{report.reportFile}</code>
          </li>
        )}
        {Object.entries(report.idMaps).map(([endpoint, file]) => (
          <li key={endpoint}>
            Old → new ids of {endpoint}: <code>{file}</code>
          </li>
        ))}
        {report.journal !== null && (
          <li>
            Journal (restoring again resumes from it): <code>{report.journal}</code>
          </li>
        )}
      </ul>
    </div>
  );
}

function RecordList(props: {
  title: string;
  records: ApiRestoreRecord[];
  total: number;
  testId: string;
}) {
  if (props.records.length === 0) return null;
  const shown = props.records.slice(0, maxListed);
  return (
    <div className={props.title === 'Failed' ? 'warning-text' : ''} data-testid={props.testId}>
      <p>
        {props.title}
        {props.total > shown.length ? ` (the first ${shown.length} of ${props.total})` : ''}:
      </p>
      <ul className="warnings">
        {shown.map((r) => (
          <li key={`${r.endpoint}/${r.parent ?? ''}/${r.id}`} data-testid="api-restore-record">
            <code>
              {r.endpoint}/{r.parent !== undefined ? `${r.parent}/` : ''}
              {r.id}
            </code>
            : {r.reason ?? props.title.toLowerCase()}
          </li>
        ))}
      </ul>
    </div>
  );
}
