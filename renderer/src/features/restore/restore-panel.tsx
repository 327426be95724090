import { useState, type FormEvent } from 'react';
import { OVERWRITE_POLICIES, type OverwritePolicy } from '../../../../shared/domain';
import { ErrorNotice } from '../../components/error-notice';
import { PathField } from '../../components/path-field';
import { ScopeField, type Scope } from '../../components/scope-field';
import { useAppStore } from '../../store/store-context';
import { JobCard } from '../jobs/job-card';

const policyWords: Record<OverwritePolicy, string> = {
  skip: 'Keep existing files (skip them)',
  always: 'Overwrite existing files',
  rename: 'Keep both (restore beside them with a new name)',
};

/** Restore the whole snapshot or the selected path into a folder, with a policy for clashes. */
export function RestorePanel({ snapshotId, onClose }: { snapshotId: string; onClose: () => void }) {
  const selected = useAppStore((s) => s.selected);
  const startRestore = useAppStore((s) => s.startRestore);
  const startError = useAppStore((s) => s.jobStartError);
  const pickFolder = useAppStore((s) => s.pickFolder);
  const [scope, setScope] = useState<Scope>(selected ? 'selected' : 'all');
  const [target, setTarget] = useState('');
  const [overwrite, setOverwrite] = useState<OverwritePolicy>('skip');
  const [jobId, setJobId] = useState<string | null>(null);
  const running = useAppStore((s) =>
    jobId === null ? false : s.jobs[jobId]?.status === 'running',
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const include = scope === 'selected' && selected ? [selected.path] : undefined;
    const id = await startRestore({
      snapshot: snapshotId,
      target: target.trim(),
      overwrite,
      ...(include ? { include } : {}),
    });
    if (id !== null) setJobId(id);
  };
  const browse = async () => {
    const picked = await pickFolder('restore-target', target || undefined);
    if (picked !== null) setTarget(picked);
  };

  return (
    <form
      className="card restore-panel"
      onSubmit={(e) => void submit(e)}
      data-testid="restore-panel"
    >
      <h2 className="card-title">Restore</h2>
      <ScopeField
        scope={scope}
        onChange={setScope}
        selectedPath={selected?.path}
        name="scope"
        testIdPrefix="restore-scope"
      />
      <PathField
        label="Restore into folder"
        value={target}
        onChange={setTarget}
        onBrowse={() => void browse()}
        placeholder="/home/me/restored"
        testId="restore-target"
        hint="Paths keep their layout inside this folder, e.g. /Documents/… lands in <folder>/Documents/…"
      />
      <div className="field">
        <label htmlFor="restore-overwrite">If a file already exists</label>
        <select
          id="restore-overwrite"
          className="input"
          value={overwrite}
          onChange={(e) => setOverwrite(e.target.value as OverwritePolicy)}
          data-testid="restore-overwrite"
        >
          {OVERWRITE_POLICIES.map((p) => (
            <option key={p} value={p}>
              {policyWords[p]}
            </option>
          ))}
        </select>
      </div>
      {startError && jobId === null && (
        <ErrorNotice error={startError} testId="restore-start-error" />
      )}
      {jobId !== null && <JobCard jobId={jobId} />}
      <div className="button-row end">
        <button type="button" className="button" onClick={onClose} data-testid="restore-close">
          Close
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={target.trim() === '' || running}
          data-testid="restore-start"
        >
          {running ? 'Restoring…' : 'Restore'}
        </button>
      </div>
    </form>
  );
}
