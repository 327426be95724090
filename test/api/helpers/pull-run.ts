/**
 * Runs pullApiSource the way the backup engine will, keeping each "snapshot" in memory: the
 * stored `.ndjson` text per endpoint, the fetch metadata and the source meta for the next run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  nextApiSourceMeta,
  type ApiSourceMeta,
  type EndpointFetchMeta,
} from '../../../electron/engine/sources/api/api-source-meta.js';
import {
  pullApiSource,
  type PullApiSourceOptions,
} from '../../../electron/engine/sources/api/pull-api-source.js';
import { parseSourceDefinition } from '../../../electron/engine/sources/api/load-source-definition.js';
import type { SourceDefinition } from '../../../electron/engine/sources/api/source-definition.js';

export interface StoredRun {
  files: Map<string, string>;
  metas: Map<string, EndpointFetchMeta>;
  sourceMeta: ApiSourceMeta;
}

export function definition(json: Record<string, unknown>): SourceDefinition {
  return parseSourceDefinition({ name: 'fixture', ...json });
}

export const fastRetry = { baseDelayMs: 5, maxDelayMs: 50 };

export async function pullRun(
  def: SourceDefinition,
  options: Partial<Omit<PullApiSourceOptions, 'definition' | 'previous' | 'tempDir'>> & {
    previous?: StoredRun;
  } = {},
): Promise<StoredRun> {
  const tempDir = await mkdtemp(path.join(tmpdir(), 'cairn-api-test-'));
  try {
    const { previous, ...rest } = options;
    const files = new Map<string, string>();
    const metas = new Map<string, EndpointFetchMeta>();
    for await (const pulled of pullApiSource({
      retry: fastRetry,
      ...rest,
      definition: def,
      tempDir,
      previous: previous && {
        meta: previous.sourceMeta,
        readEndpoint: (name) => {
          const text = previous.files.get(name);
          return text === undefined ? undefined : oneChunk(text);
        },
      },
    })) {
      files.set(pulled.endpoint, await lastAttempt(pulled.attempts));
      metas.set(pulled.endpoint, pulled.meta);
    }
    // Endpoints not fetched this run keep the previous snapshot's files, as the engine does.
    for (const [name, text] of previous?.files ?? []) if (!files.has(name)) files.set(name, text);
    return {
      files,
      metas,
      sourceMeta: nextApiSourceMeta(previous?.sourceMeta, [...metas.values()]),
    };
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

/** Reads every attempt of a pulled file to its end, as the engine must; the last is the file. */
export async function lastAttempt(
  attempts: AsyncIterable<AsyncIterable<Uint8Array>>,
): Promise<string> {
  let chunks: Buffer[] = [];
  for await (const attempt of attempts) {
    chunks = [];
    for await (const chunk of attempt) chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function* oneChunk(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

/** The stored lines of an endpoint, parsed. */
export function storedRecords(run: StoredRun, endpoint: string): unknown[] {
  const text = run.files.get(endpoint);
  if (text === undefined) throw new Error(`no file for ${endpoint}`);
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as unknown);
}
