/**
 * The repository's config file, sealed with the master key:
 *
 *   { "version": 1, "id": hex(32 bytes), "created": RFC 3339,
 *     "chunker": { "algorithm": "fastcdc-gear32", "seed": hex(32 bytes),
 *                  "min_size", "avg_size", "max_size" } }
 *
 * `version` is the repository format version. A newer Cairn reads older versions; an older
 * Cairn refuses a newer one instead of guessing.
 */
import { randomBytes } from 'node:crypto';
import { CairnError } from '../errors.js';

export const FORMAT_VERSION = 1;

export interface ChunkerParams {
  algorithm: 'fastcdc-gear32';
  seed: string;
  min_size: number;
  avg_size: number;
  max_size: number;
}

export interface RepoConfig {
  version: number;
  id: string;
  created: string;
  chunker: ChunkerParams;
}

export function newRepoConfig(chunker?: ChunkerParams): RepoConfig {
  return {
    version: FORMAT_VERSION,
    id: randomBytes(32).toString('hex'),
    created: new Date().toISOString(),
    chunker: chunker ?? {
      algorithm: 'fastcdc-gear32',
      seed: randomBytes(32).toString('hex'),
      min_size: 512 * 1024,
      avg_size: 1024 * 1024,
      max_size: 8 * 1024 * 1024,
    },
  };
}

export function assertReadableConfig(config: RepoConfig, where: string): void {
  if (typeof config.version !== 'number' || config.version > FORMAT_VERSION) {
    throw new CairnError(
      'format-too-new',
      `repository at ${where} uses format version ${config.version}; this Cairn reads up to ${FORMAT_VERSION} — upgrade Cairn`,
    );
  }
  if (config.chunker?.algorithm !== 'fastcdc-gear32') {
    throw new CairnError('corrupt', `repository at ${where} names an unknown chunker`);
  }
}
