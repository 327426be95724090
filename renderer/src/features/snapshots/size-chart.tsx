import type { Snapshot } from '../../../../shared/domain';
import { formatBytes, formatDateTime } from '../../components/format';

const width = 640;
const height = 96;
const maxBars = 60;

/**
 * New data per snapshot (bars) and the repository's growth (line), oldest left. Drawn as SVG
 * so it needs no chart library and no image sources under the CSP.
 */
export function SizeChart({ snapshots }: { snapshots: Snapshot[] }) {
  const shown = [...snapshots].reverse().slice(-maxBars);
  const points = shown.reduce<{ snap: Snapshot; added: number; total: number }[]>(
    (acc, snap) => [
      ...acc,
      {
        snap,
        added: snap.stats.bytes_added,
        total: (acc.at(-1)?.total ?? 0) + snap.stats.bytes_added,
      },
    ],
    [],
  );
  const total = points.at(-1)?.total ?? 0;
  const maxAdded = Math.max(1, ...points.map((p) => p.added));
  const maxTotal = Math.max(1, total);
  const slot = width / Math.max(points.length, 1);
  const bar = Math.max(2, Math.min(24, slot * 0.6));
  const line = points
    .map((p, i) => `${(i + 0.5) * slot},${height - 4 - (p.total / maxTotal) * (height - 12)}`)
    .join(' ');

  return (
    <section className="card chart-card" data-testid="size-chart">
      <div className="chart-legend">
        <span>
          <i className="swatch swatch-bar" /> New data per snapshot
        </span>
        <span>
          <i className="swatch swatch-line" /> Repository growth ({formatBytes(total)} added)
        </span>
      </div>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className="chart"
        role="img"
        aria-label="Repository size over time"
      >
        {points.map((p, i) => {
          const h = Math.max(1, (p.added / maxAdded) * (height - 12));
          return (
            <rect
              key={p.snap.id}
              className="chart-bar"
              x={(i + 0.5) * slot - bar / 2}
              y={height - 4 - h}
              width={bar}
              height={h}
              rx={2}
            >
              <title>
                {formatDateTime(p.snap.time)}: {formatBytes(p.added)} new
              </title>
            </rect>
          );
        })}
        {points.length > 1 && <polyline className="chart-line" points={line} fill="none" />}
      </svg>
    </section>
  );
}
