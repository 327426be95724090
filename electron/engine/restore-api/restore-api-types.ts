/** What `restore-api` is asked to do and what it reports (the facade's types). */
import type { AuthDefinition, SourceDefinition } from '../sources/api/source-definition.js';

export interface ApiRestoreRequest {
  /** Id, unique prefix or `latest`: the snapshot whose records are restored. */
  snapshot: string;
  /**
   * The source's definition; without it, the one kept in the snapshot (`/api/<source>/
   * source.json`, written by every API backup) is used.
   */
  definition?: SourceDefinition;
  /** Without a definition: which API source of the snapshot, when it holds several. */
  source?: string;
  /** The endpoint to restore; the endpoints it refers to (refs, its parent) go first. */
  endpoint: string;
  /** Only these record ids (as text: `42`, `abc`). */
  ids?: string[];
  /** Only records that are new or different from this snapshot's. */
  changedSince?: string;
  /** Only records this snapshot has and the restored one has not, as this snapshot has them. */
  deletedSince?: string;
  /** Another server or account than the definition's `baseUrl`. */
  baseUrl?: string;
  /**
   * Another account's credential: replaces the auth's secret (the bearer token, the Basic
   * password, the API key's value, the OAuth client secret), usually a reference (`env:NAME`).
   */
  targetSecret?: string;
  /** Lists the requests it would send; sends none and writes no journal. */
  dryRun?: boolean;
}

export interface RestoredRecord {
  endpoint: string;
  /** The record's id in the snapshot, as text. */
  id: string;
  /** For a child endpoint's record: its parent's id in the snapshot. */
  parent?: string;
  /** The id the API gave it (endpoints with `idMap`). */
  new_id?: string;
  /** Why it was skipped or failed; for a success, a note (e.g. resumed). */
  reason?: string;
}

export interface PlannedRequest {
  endpoint: string;
  id: string;
  method: string;
  /** With secrets redacted; an id the API has yet to assign shows as `{new projects 3}`. */
  url: string;
  /** The body's first fields and its size. */
  body: string;
}

/** How many records of each outcome the result lists itself (the report file has them all). */
export const REPORT_LIST_LIMIT = 1000;

export interface ApiRestoreResult {
  snapshot: string;
  source: string;
  endpoint: string;
  base_url: string;
  dry_run: boolean;
  /** A run that carried on from an interrupted one. */
  resumed: boolean;
  /** How many records ended each way. */
  counts: { succeeded: number; skipped: number; failed: number };
  /**
   * The first records of each outcome (at most REPORT_LIST_LIMIT each, so a restore of a
   * million records holds no million-entry lists); `report` has every one.
   */
  succeeded: RestoredRecord[];
  skipped: RestoredRecord[];
  failed: RestoredRecord[];
  /** File with every record's outcome, one JSON line each (null in a dry run). */
  report: string | null;
  /** The dry run's requests, in order. */
  requests: PlannedRequest[];
  /** The journal's folder (null in a dry run). */
  journal: string | null;
  /** Endpoint → file of old → new ids (`[old, new]` per line), for endpoints with `idMap`. */
  id_maps: Record<string, string>;
}

export type { AuthDefinition };
