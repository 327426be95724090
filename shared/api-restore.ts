/**
 * Restoring a snapshot's records into an API from the app (the CLI's `restore-api`): what the
 * dry run shows and what the finished job reports. Plain data; the contract's
 * `previewApiRestore` and the `restore-api` job result carry these.
 */

/** One request the restore would send: secrets redacted, the body summarised. */
export interface ApiRestoreRequestPreview {
  endpoint: string;
  id: string;
  method: string;
  url: string;
  body: string;
}

/** The dry run: nothing was sent. `requests` holds the first ones; `total` counts them all. */
export interface ApiRestorePreview {
  source: string;
  endpoint: string;
  baseUrl: string;
  total: number;
  requests: ApiRestoreRequestPreview[];
}

export interface ApiRestoreRecord {
  endpoint: string;
  id: string;
  parent?: string;
  new_id?: string;
  reason?: string;
}

export interface ApiRestoreReport {
  source: string;
  endpoint: string;
  baseUrl: string;
  resumed: boolean;
  counts: { succeeded: number; skipped: number; failed: number };
  /** The first records of each outcome; the report file lists every one. */
  skipped: ApiRestoreRecord[];
  failed: ApiRestoreRecord[];
  /** Every record's outcome, one JSON line each, on the host. */
  reportFile: string | null;
  /** The journal's folder on the host (an interrupted restore resumes from it). */
  journal: string | null;
  /** Endpoint → file of old → new ids on the host. */
  idMaps: Record<string, string>;
}
