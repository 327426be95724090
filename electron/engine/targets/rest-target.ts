/**
 * A repository on a server speaking restic's REST protocol v2 (restic's rest-server, `rclone
 * serve restic`): `rest:http(s)://[user:password@]host[:port]/path`.
 *
 *   POST /?create=true          creates the repository's folders
 *   HEAD|GET|POST /config       the config file
 *   GET /{kind}/                lists a kind; with Accept: application/vnd.x.restic.rest.v2
 *                               as [{"name": …, "size": …}]
 *   HEAD|GET|POST|DELETE /{kind}/{name}
 *
 * The protocol has no rename, so placing a file atomically is the server's job (rest-server
 * writes to a temporary file and renames it). Each upload is checked by a HEAD of its size,
 * and one that failed is deleted again, so no partial file stays under the name.
 */
import {
  HTTP_CREDENTIALS_HINT,
  transportFor,
  type HttpTransport,
  statusFault,
  type HttpCredentials,
  type HttpStoreOptions,
  byteRange,
} from './http-transport.js';
import { isFileName, objectPath } from './object-layout.js';
import { StoreError, type RemoteStore } from './remote-store.js';
import { RemoteTarget } from './remote-target.js';
import type { ByteRange, FileInfo, FileKind } from './target.js';
import type { UploadBody } from './upload-body.js';

export interface RestLocation {
  /** The repository's URL without credentials, e.g. https://backup.example:8000/laptop. */
  url: string;
  credentials?: HttpCredentials;
  displayName: string;
}

const V2 = 'application/vnd.x.restic.rest.v2';
const SAVE_CONCURRENCY = 4;

export function restTarget(location: RestLocation, options: HttpStoreOptions = {}): RemoteTarget {
  return new RemoteTarget(location.displayName, new RestStore(location, options), options);
}

class RestStore implements RemoteStore {
  readonly saveConcurrency = SAVE_CONCURRENCY;
  readonly credentialsHint = HTTP_CREDENTIALS_HINT;
  private readonly http: HttpTransport;
  private readonly base: string;

  constructor(location: RestLocation, options: HttpStoreOptions) {
    this.base = location.url.replace(/\/+$/, '');
    this.http = transportFor(location, options, SAVE_CONCURRENCY);
  }

  async put(kind: FileKind, name: string, body: UploadBody): Promise<'stored' | 'exists'> {
    const url = this.url(kind, name);
    try {
      const res = await this.http.request({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/octet-stream' },
        body,
      });
      if (res.status !== 200 && res.status !== 201) throw statusFault(res);
      const stored = await this.size(kind, name);
      if (stored !== body.size) {
        throw new StoreError('transient', `the server kept ${stored ?? 0} of ${body.size} bytes`);
      }
      return 'stored';
    } catch (err) {
      // A server that wrote in place may hold part of it under the final name: the name is
      // unique to these bytes, so removing it loses nothing, and the next attempt starts clean.
      if (!(err instanceof StoreError) || err.fault === 'transient') {
        await this.http.request({ method: 'DELETE', url }).catch(() => undefined);
      }
      throw err;
    }
  }

  async get(kind: FileKind, name: string, range?: ByteRange): Promise<Buffer> {
    const headers: Record<string, string> = range ? { range: byteRange(range) } : {};
    const res = await this.http.request({
      method: 'GET',
      url: this.url(kind, name),
      headers,
      ...(range?.into ? { into: range.into } : {}),
    });
    if (res.status === 206) return res.body;
    if (res.status === 200) {
      return range ? res.body.subarray(range.offset, range.offset + range.length) : res.body;
    }
    if (res.status === 416) return Buffer.alloc(0);
    throw statusFault(res);
  }

  async size(kind: FileKind, name: string): Promise<number | undefined> {
    const res = await this.http.request({ method: 'HEAD', url: this.url(kind, name) });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw statusFault(res);
    return Number(res.headers['content-length'] ?? NaN);
  }

  async list(kind: FileKind): Promise<FileInfo[]> {
    if (kind === 'config') {
      const size = await this.size('config', 'config');
      return size === undefined ? [] : [{ name: 'config', size }];
    }
    const res = await this.http.request({
      method: 'GET',
      url: `${this.base}/${kind}/`,
      headers: { accept: V2 },
    });
    if (res.status === 404) return [];
    if (res.status !== 200) throw statusFault(res, 'listing');
    let entries: unknown;
    try {
      entries = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new StoreError('transient', `the listing of ${kind} is not JSON`);
    }
    if (!Array.isArray(entries))
      throw new StoreError('fatal', `the listing of ${kind} is not a list`);
    const out: FileInfo[] = [];
    for (const entry of entries as unknown[]) {
      if (typeof entry === 'string') {
        // A v1-only server lists names alone: ask each file's size.
        if (!isFileName(entry)) continue;
        const size = await this.size(kind, entry);
        if (size !== undefined) out.push({ name: entry, size });
      } else if (entry && typeof entry === 'object') {
        const { name, size } = entry as { name?: unknown; size?: unknown };
        if (typeof name === 'string' && typeof size === 'number' && isFileName(name)) {
          out.push({ name, size });
        }
      }
    }
    return out;
  }

  async remove(kind: FileKind, name: string): Promise<void> {
    const res = await this.http.request({ method: 'DELETE', url: this.url(kind, name) });
    if (res.status >= 300 && res.status !== 404) throw statusFault(res);
  }

  async createRoot(): Promise<void> {
    const res = await this.http.request({ method: 'POST', url: `${this.base}/?create=true` });
    if (res.status !== 200 && res.status !== 201) throw statusFault(res, 'creating the repository');
  }

  async probe(): Promise<{ rootExists: boolean; freeBytes: number | null }> {
    const res = await this.http.request({
      method: 'GET',
      url: `${this.base}/keys/`,
      headers: { accept: V2 },
    });
    if (res.status === 404) return { rootExists: false, freeBytes: null };
    if (res.status !== 200) throw statusFault(res);
    return { rootExists: true, freeBytes: null };
  }

  async close(): Promise<void> {
    this.http.close();
  }

  private url(kind: FileKind, name: string): string {
    if (kind === 'config') return `${this.base}/config`;
    objectPath(kind, name); // refuses a name that is not a repository file name
    return `${this.base}/${kind}/${name}`;
  }
}
