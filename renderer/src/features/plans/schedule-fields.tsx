import { useEffect, useState } from 'react';
import { planWeekdays, type PlanScheduleInput } from '../../../../shared/contract';
import { useAppStore } from '../../store/store-context';

type Weekday = (typeof planWeekdays)[number];

const dayNames: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

/** What the user typed for every kind, so switching kinds back and forth loses nothing. */
export interface ScheduleDraft {
  kind: PlanScheduleInput['kind'];
  every: string;
  time: string;
  days: Weekday[];
  expression: string;
  /** The IANA zone of the clock times, as typed (empty: this machine's own). */
  timeZone: string;
}

/** This machine's zone: a new plan's, as `cairn plan add` without `--time-zone` takes it. */
export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The zone a draft's times are in. */
export function timeZoneOfDraft(draft: ScheduleDraft): string {
  return draft.timeZone.trim() || localTimeZone();
}

export function scheduleDraft(
  schedule: PlanScheduleInput | null,
  timeZone = localTimeZone(),
): ScheduleDraft {
  return {
    timeZone,
    kind: schedule?.kind ?? 'every',
    every: schedule?.kind === 'every' ? schedule.every : '1h',
    time: schedule?.kind === 'daily' || schedule?.kind === 'weekly' ? schedule.time : '02:30',
    days: schedule?.kind === 'weekly' ? schedule.days : ['mon'],
    expression: schedule?.kind === 'cron' ? schedule.expression : '0 3 * * *',
  };
}

export function scheduleOfDraft(draft: ScheduleDraft): PlanScheduleInput {
  switch (draft.kind) {
    case 'every':
      return { kind: 'every', every: draft.every };
    case 'daily':
      return { kind: 'daily', time: draft.time };
    case 'weekly':
      return { kind: 'weekly', days: draft.days, time: draft.time };
    case 'cron':
      return { kind: 'cron', expression: draft.expression };
  }
}

/**
 * The schedule of a plan: every N, daily at, weekly on chosen days at, or a cron expression,
 * with its next runs previewed by the host (parsed as `cairn plan add` does) as it is typed, in
 * the plan's time zone (an unknown one is said at once, where the preview would be).
 */
export function ScheduleFields({
  draft,
  onChange,
}: {
  draft: ScheduleDraft;
  onChange: (draft: ScheduleDraft) => void;
}) {
  const preview = useAppStore((s) => s.previewSchedule);
  const [runs, setRuns] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const schedule = scheduleOfDraft(draft);
  const key = JSON.stringify(schedule);
  const zone = timeZoneOfDraft(draft);

  useEffect(() => {
    let current = true;
    void preview(JSON.parse(key) as PlanScheduleInput, zone).then((result) => {
      if (!current) return;
      if ('error' in result) {
        setRuns([]);
        setError(result.error.message);
      } else {
        setRuns(result.runs);
        setError(null);
      }
    });
    return () => {
      current = false;
    };
  }, [preview, key, zone]);

  const set = (change: Partial<ScheduleDraft>) => onChange({ ...draft, ...change });
  const toggleDay = (day: Weekday, on: boolean) =>
    set({
      days: planWeekdays.filter((d) => (d === day ? on : draft.days.includes(d))),
    });

  return (
    <>
      <div className="row">
        <select
          id="plan-schedule-kind"
          className="input"
          value={draft.kind}
          onChange={(e) => set({ kind: e.target.value as ScheduleDraft['kind'] })}
          data-testid="plan-schedule-kind"
        >
          <option value="every">every</option>
          <option value="daily">daily at</option>
          <option value="weekly">weekly on</option>
          <option value="cron">cron expression</option>
        </select>
        {draft.kind === 'every' && (
          <input
            className="input"
            aria-label="Interval, like 30m or 2h"
            value={draft.every}
            onChange={(e) => set({ every: e.target.value })}
            data-testid="plan-every"
          />
        )}
        {draft.kind === 'cron' && (
          <input
            className="input mono"
            aria-label="Cron expression: minute hour day month weekday"
            placeholder="*/15 9-17 * * 1-5"
            value={draft.expression}
            onChange={(e) => set({ expression: e.target.value })}
            data-testid="plan-cron"
          />
        )}
        {draft.kind === 'weekly' && (
          <span className="row" role="group" aria-label="Days" data-testid="plan-days">
            {planWeekdays.map((day) => (
              <label className="checkbox" key={day}>
                <input
                  type="checkbox"
                  checked={draft.days.includes(day)}
                  onChange={(e) => toggleDay(day, e.target.checked)}
                  data-testid={`plan-day-${day}`}
                />
                {dayNames[day]}
              </label>
            ))}
            at
          </span>
        )}
        {(draft.kind === 'daily' || draft.kind === 'weekly') && (
          <input
            className="input"
            aria-label="Time, HH:MM"
            value={draft.time}
            onChange={(e) => set({ time: e.target.value })}
            data-testid="plan-time"
          />
        )}
      </div>
      <div className="row">
        <label htmlFor="plan-time-zone">Time zone</label>
        <input
          id="plan-time-zone"
          className="input"
          aria-label="Time zone (IANA), like Europe/Berlin"
          placeholder="Europe/Berlin"
          value={draft.timeZone}
          onChange={(e) => set({ timeZone: e.target.value })}
          data-testid="plan-time-zone"
        />
      </div>
      {error !== null ? (
        <p className="field-error" data-testid="plan-schedule-error">
          {error}
        </p>
      ) : (
        <p className="muted small" data-testid="plan-preview">
          Next runs: {runs.join(' · ')}
        </p>
      )}
    </>
  );
}
