/**
 * A repository on a WebDAV server (Nextcloud, ownCloud, Apache mod_dav, rclone serve webdav):
 * `webdav:http(s)://[user:password@]host[:port]/path`.
 *
 * An upload goes to a temporary name beside the final one, is checked (its size, by HEAD) and
 * then MOVEd into place with `Overwrite: F`: the move is atomic on every server that has it,
 * and a name already taken answers 412 instead of being replaced. A server without MOVE gets
 * the file under its final name directly (and loses that atomicity). Listings come from
 * PROPFIND (Depth 1) with sizes; folders are made with MKCOL as they are first needed.
 */
import { randomBytes } from 'node:crypto';
import {
  HTTP_CREDENTIALS_HINT,
  transportFor,
  type HttpTransport,
  statusFault,
  type HttpCredentials,
  type HttpResponse,
  type HttpStoreOptions,
  byteRange,
} from './http-transport.js';
import { FOLDER_KINDS, folderOf, isFileName, objectPath, tempPath } from './object-layout.js';
import { StoreError, type RemoteStore } from './remote-store.js';
import { RemoteTarget } from './remote-target.js';
import type { ByteRange, FileInfo, FileKind } from './target.js';
import type { UploadBody } from './upload-body.js';
import { parseMultistatus } from './webdav-multistatus.js';

export interface WebDavLocation {
  /** The repository's URL without credentials, e.g. https://cloud.example/dav/backup. */
  url: string;
  credentials?: HttpCredentials;
  displayName: string;
}

const PROPFIND_BODY =
  '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop>' +
  '<D:resourcetype/><D:getcontentlength/></D:prop></D:propfind>';
const QUOTA_BODY =
  '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop>' +
  '<D:resourcetype/><D:quota-available-bytes/></D:prop></D:propfind>';

const SAVE_CONCURRENCY = 4;

export function webDavTarget(
  location: WebDavLocation,
  options: HttpStoreOptions = {},
): RemoteTarget {
  return new RemoteTarget(location.displayName, new WebDavStore(location, options), options);
}

class WebDavStore implements RemoteStore {
  readonly saveConcurrency = SAVE_CONCURRENCY;
  readonly credentialsHint = HTTP_CREDENTIALS_HINT;
  private readonly http: HttpTransport;
  private readonly base: string;
  private readonly folders = new Set<string>();
  /** The server answered MOVE with 405 or 501: files are PUT under their final name. */
  private noMove = false;

  constructor(location: WebDavLocation, options: HttpStoreOptions) {
    this.base = location.url.replace(/\/+$/, '');
    this.http = transportFor(location, options, SAVE_CONCURRENCY);
  }

  async put(kind: FileKind, name: string, body: UploadBody): Promise<'stored' | 'exists'> {
    const final = objectPath(kind, name);
    await this.ensureFolder(folderOf(kind, name));
    if (this.noMove) {
      await this.upload(final, body);
      return 'stored';
    }
    const temp = tempPath(kind, name);
    try {
      await this.upload(temp, body);
      const moved = await this.http.request({
        method: 'MOVE',
        url: this.url(temp),
        headers: { destination: this.url(final), overwrite: 'F' },
      });
      if (moved.status === 201 || moved.status === 204) return 'stored';
      if (moved.status === 412) {
        await this.removePath(temp);
        return 'exists';
      }
      if (moved.status === 405 || moved.status === 501) {
        this.noMove = true;
        await this.removePath(temp);
        await this.upload(final, body);
        return 'stored';
      }
      throw statusFault(moved, 'moving the upload into place');
    } catch (err) {
      // Best effort: a temporary name is never listed, but need not stay behind.
      await this.removePath(temp).catch(() => undefined);
      throw err;
    }
  }

  async get(kind: FileKind, name: string, range?: ByteRange): Promise<Buffer> {
    const headers: Record<string, string> = range ? { range: byteRange(range) } : {};
    const res = await this.http.request({
      method: 'GET',
      url: this.url(objectPath(kind, name)),
      headers,
      ...(range?.into ? { into: range.into } : {}),
    });
    if (res.status === 206) return res.body;
    if (res.status === 200) {
      // A server that ignores Range sends the whole file.
      return range ? res.body.subarray(range.offset, range.offset + range.length) : res.body;
    }
    if (res.status === 416) return Buffer.alloc(0);
    throw statusFault(res);
  }

  async size(kind: FileKind, name: string): Promise<number | undefined> {
    return this.sizeOf(objectPath(kind, name));
  }

  async list(kind: FileKind): Promise<FileInfo[]> {
    if (kind === 'config') {
      const size = await this.sizeOf('config');
      return size === undefined ? [] : [{ name: 'config', size }];
    }
    if (kind !== 'data') return this.listFolder(kind);
    const fanOut = (await this.propfind('data', 1, PROPFIND_BODY)) ?? [];
    const folders = fanOut.filter((e) => e.isFolder && /^[0-9a-f]{2}$/.test(e.name));
    const out: FileInfo[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < folders.length) {
        const folder = folders[next++]!;
        out.push(...(await this.listFolder(`data/${folder.name}`)));
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return out;
  }

  async remove(kind: FileKind, name: string): Promise<void> {
    await this.removePath(objectPath(kind, name));
  }

  async createRoot(): Promise<void> {
    await this.makeRootFolder();
    for (const kind of FOLDER_KINDS) await this.makeFolder(kind);
  }

  async probe(): Promise<{ rootExists: boolean; freeBytes: number | null }> {
    const entries = await this.propfind('', 0, QUOTA_BODY);
    return { rootExists: entries !== undefined, freeBytes: entries?.[0]?.quotaAvailable ?? null };
  }

  async probeWrite(): Promise<void> {
    const scratch = `.cairn-probe-${randomBytes(6).toString('hex')}`;
    const res = await this.http.request({
      method: 'PUT',
      url: this.url(scratch),
      body: Buffer.from('probe'),
    });
    if (res.status >= 300) throw statusFault(res);
    await this.removePath(scratch);
  }

  async close(): Promise<void> {
    this.http.close();
  }

  private url(relative: string): string {
    if (!relative) return `${this.base}/`;
    return `${this.base}/${relative.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** PUTs a file and checks the server holds all of it. */
  private async upload(relative: string, body: UploadBody): Promise<void> {
    const res = await this.http.request({
      method: 'PUT',
      url: this.url(relative),
      headers: { 'content-type': 'application/octet-stream' },
      body,
    });
    if (res.status >= 300) throw statusFault(res);
    const stored = await this.sizeOf(relative);
    if (stored !== body.size) {
      throw new StoreError('transient', `the server kept ${stored ?? 0} of ${body.size} bytes`);
    }
  }

  private async sizeOf(relative: string): Promise<number | undefined> {
    const res = await this.http.request({ method: 'HEAD', url: this.url(relative) });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw statusFault(res);
    const length = res.headers['content-length'];
    if (length !== undefined) return Number(length);
    // No length on HEAD (some servers): PROPFIND tells.
    return (await this.propfind(relative, 0, PROPFIND_BODY))?.[0]?.size;
  }

  private async listFolder(relative: string): Promise<FileInfo[]> {
    const entries = (await this.propfind(relative, 1, PROPFIND_BODY)) ?? [];
    return entries
      .filter((e) => !e.isFolder && isFileName(e.name))
      .map((e) => ({ name: e.name, size: e.size }));
  }

  /** The folder's entries (itself first), or undefined when it does not exist. */
  private async propfind(relative: string, depth: 0 | 1, body: string) {
    const url = relative ? `${this.url(relative)}${depth === 1 ? '/' : ''}` : this.url('');
    const res = await this.http.request({
      method: 'PROPFIND',
      url,
      headers: { depth: String(depth), 'content-type': 'application/xml; charset=utf-8' },
      body: Buffer.from(body),
    });
    if (res.status === 404) return undefined;
    if (res.status !== 207) throw statusFault(res, 'listing');
    return parseMultistatus(res.body.toString('utf8'));
  }

  private async ensureFolder(relative: string): Promise<void> {
    if (!relative || this.folders.has(relative)) return;
    await this.makeFolder(relative);
  }

  /** MKCOL; a folder already there is fine, and a missing parent is made first. */
  private async makeFolder(relative: string): Promise<void> {
    let res = await this.http.request({ method: 'MKCOL', url: this.url(relative) });
    if (res.status === 409) {
      const slash = relative.lastIndexOf('/');
      if (slash > 0) await this.makeFolder(relative.slice(0, slash));
      else await this.makeRootFolder();
      res = await this.http.request({ method: 'MKCOL', url: this.url(relative) });
    }
    if (!madeOrThere(res)) throw statusFault(res, 'creating a folder');
    this.folders.add(relative);
  }

  /**
   * The repository's own folder, and the folders above it that are missing. Folders above it
   * may refuse MKCOL (a server's own prefix such as /remote.php/dav): only the last must work.
   */
  private async makeRootFolder(): Promise<void> {
    const root = new URL(`${this.base}/`);
    const segments = root.pathname.split('/').filter(Boolean);
    for (let i = 1; i <= segments.length; i++) {
      const folder = new URL(`/${segments.slice(0, i).join('/')}/`, root).toString();
      const res = await this.http.request({ method: 'MKCOL', url: folder });
      if (i === segments.length && !madeOrThere(res)) throw statusFault(res, 'creating a folder');
    }
  }

  private async removePath(relative: string): Promise<void> {
    const res = await this.http.request({ method: 'DELETE', url: this.url(relative) });
    if (res.status >= 300 && res.status !== 404) throw statusFault(res);
  }
}

/** 201 made; 405 (MKCOL on an existing resource) already there; 200 from lenient servers. */
function madeOrThere(res: HttpResponse): boolean {
  return res.status === 201 || res.status === 405 || res.status === 200;
}
