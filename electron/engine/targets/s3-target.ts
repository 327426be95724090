/**
 * A repository in an S3 bucket (AWS, MinIO, Backblaze B2, Cloudflare R2, Wasabi) through the
 * AWS SDK v3: `s3:http(s)://host[:port]/bucket[/prefix]`.
 *
 * Objects are placed whole by the protocol: a PUT (or a multipart upload's completion, for
 * files above the threshold) is atomic. Each upload carries Content-MD5, so the store rejects
 * bytes damaged on the way, and its size is checked by a HEAD after it. Uploads are
 * conditional (`If-None-Match: *`) where the store supports that, so two clients can never
 * both create the same file; a store that answers 501 gets plain PUTs from then on. Listings
 * follow continuation tokens past 1 000 keys. The SDK's own retries are off: RemoteTarget
 * retries every protocol alike and counts the attempts it reports.
 */
import { createHash, randomBytes } from 'node:crypto';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { networkFault, statusText, type HttpStoreOptions, byteRange } from './http-transport.js';
import { isFileName, objectPath } from './object-layout.js';
import { StoreError, type RemoteStore } from './remote-store.js';
import { RemoteTarget } from './remote-target.js';
import type { ByteRange, FileInfo, FileKind } from './target.js';
import type { UploadBody } from './upload-body.js';

type S3Module = typeof S3Sdk;

export interface S3Location {
  /** A custom endpoint (http(s)://host[:port]); none for AWS itself. */
  endpoint?: string;
  bucket: string;
  /** Key prefix of the repository, without slashes at either end ('' for the bucket's root). */
  prefix: string;
  region: string;
  pathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  displayName: string;
}

export interface S3TargetOptions extends HttpStoreOptions {
  /** Files above this size go up as multipart uploads (default 64 MiB). */
  multipartThreshold?: number;
  /** The part size of a multipart upload (default 16 MiB; S3's least is 5 MiB). */
  partSize?: number;
}

const MiB = 1024 * 1024;
const SAVE_CONCURRENCY = 6;
/** Smaller bodies are sent from memory; larger ones streamed from the spool file. */
const IN_MEMORY = 4 * MiB;

export function s3Target(location: S3Location, options: S3TargetOptions = {}): RemoteTarget {
  return new RemoteTarget(location.displayName, new S3Store(location, options), options);
}

class S3Store implements RemoteStore {
  readonly saveConcurrency = SAVE_CONCURRENCY;
  readonly credentialsHint = 'check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  private sdk: Promise<{ s3: S3Module; client: S3Client }> | undefined;
  /** Cleared when the store answers a conditional write with 501. */
  private conditional = true;
  private readonly multipartThreshold: number;
  private readonly partSize: number;

  constructor(
    private readonly location: S3Location,
    private readonly options: S3TargetOptions,
  ) {
    this.multipartThreshold = options.multipartThreshold ?? 64 * MiB;
    this.partSize = Math.max(5 * MiB, options.partSize ?? 16 * MiB);
  }

  async put(kind: FileKind, name: string, body: UploadBody): Promise<'stored' | 'exists'> {
    const key = this.key(kind, name);
    try {
      await (body.size > this.multipartThreshold
        ? this.putMultipart(key, body)
        : this.putSingle(key, body));
    } catch (err) {
      const fault = this.fault(err);
      if (fault.fault === 'exists') return 'exists';
      if (fault.fault !== 'unsupported' || !this.conditional) throw fault;
      // The store does not do conditional writes: plain writes from now on.
      this.conditional = false;
      return this.put(kind, name, body);
    }
    const stored = await this.sizeOf(key);
    if (stored !== body.size) {
      throw new StoreError('transient', `the store kept ${stored ?? 0} of ${body.size} bytes`);
    }
    return 'stored';
  }

  async get(kind: FileKind, name: string, range?: ByteRange): Promise<Buffer> {
    const { s3, client } = await this.client();
    try {
      const res = await client.send(
        new s3.GetObjectCommand({
          Bucket: this.location.bucket,
          Key: this.key(kind, name),
          ...(range ? { Range: byteRange(range) } : {}),
        }),
      );
      const { bytes, received } = await readBody(
        res.Body as AsyncIterable<Uint8Array> | undefined,
        res.ContentLength,
        range?.into,
      );
      if (res.ContentLength !== undefined && received !== res.ContentLength) {
        throw new StoreError(
          'transient',
          `answer cut short (${received} of ${res.ContentLength} bytes)`,
        );
      }
      return bytes;
    } catch (err) {
      const fault = this.fault(err);
      if ((err as { name?: string }).name === 'InvalidRange') return Buffer.alloc(0);
      throw fault;
    }
  }

  size(kind: FileKind, name: string): Promise<number | undefined> {
    return this.sizeOf(this.key(kind, name));
  }

  async list(kind: FileKind): Promise<FileInfo[]> {
    if (kind === 'config') {
      const size = await this.size('config', 'config');
      return size === undefined ? [] : [{ name: 'config', size }];
    }
    const { s3, client } = await this.client();
    const out: FileInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await client.send(
          new s3.ListObjectsV2Command({
            Bucket: this.location.bucket,
            Prefix: `${this.root()}${kind}/`,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const object of page.Contents ?? []) {
          const name = object.Key?.slice(object.Key.lastIndexOf('/') + 1) ?? '';
          if (isFileName(name)) out.push({ name, size: object.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.fault(err);
    }
    return out;
  }

  async remove(kind: FileKind, name: string): Promise<void> {
    const { s3, client } = await this.client();
    try {
      await client.send(
        new s3.DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.key(kind, name) }),
      );
    } catch (err) {
      throw this.fault(err);
    }
  }

  async createRoot(): Promise<void> {
    // No folders in S3; only make sure the bucket is there (and says so if not).
    await this.probe();
  }

  async probe(): Promise<{ rootExists: boolean; freeBytes: number | null }> {
    const { s3, client } = await this.client();
    try {
      await client.send(
        new s3.ListObjectsV2Command({
          Bucket: this.location.bucket,
          Prefix: this.root(),
          MaxKeys: 1,
        }),
      );
    } catch (err) {
      throw this.fault(err);
    }
    return { rootExists: true, freeBytes: null };
  }

  async probeWrite(): Promise<void> {
    const { s3, client } = await this.client();
    const key = `${this.root()}cairn-probe-${randomBytes(6).toString('hex')}`;
    try {
      await client.send(
        new s3.PutObjectCommand({ Bucket: this.location.bucket, Key: key, Body: 'probe' }),
      );
      await client.send(new s3.DeleteObjectCommand({ Bucket: this.location.bucket, Key: key }));
    } catch (err) {
      throw this.fault(err);
    }
  }

  async close(): Promise<void> {
    if (this.sdk) (await this.sdk).client.destroy();
  }

  private async putSingle(key: string, body: UploadBody): Promise<void> {
    const { s3, client } = await this.client();
    const md5 = await body.md5();
    const res = await client.send(
      new s3.PutObjectCommand({
        Bucket: this.location.bucket,
        Key: key,
        Body: body.size <= IN_MEMORY ? await body.read() : body.stream(),
        ContentLength: body.size,
        ContentMD5: md5.toString('base64'),
        ContentType: 'application/octet-stream',
        ...(this.conditional ? { IfNoneMatch: '*' } : {}),
      }),
    );
    await this.checkEtag(key, res, [md5.toString('hex')]);
  }

  /** Parts one after another (packs already upload side by side), then one atomic completion. */
  private async putMultipart(key: string, body: UploadBody): Promise<void> {
    const { s3, client } = await this.client();
    const Bucket = this.location.bucket;
    const { UploadId } = await client.send(
      new s3.CreateMultipartUploadCommand({
        Bucket,
        Key: key,
        ContentType: 'application/octet-stream',
      }),
    );
    try {
      const parts: { PartNumber: number; ETag: string }[] = [];
      const partHashes: Buffer[] = [];
      for (let start = 0, n = 1; start < body.size; start += this.partSize, n++) {
        const bytes = await body.read(start, Math.min(body.size, start + this.partSize));
        const md5 = createHash('md5').update(bytes).digest();
        partHashes.push(md5);
        const part = await client.send(
          new s3.UploadPartCommand({
            Bucket,
            Key: key,
            UploadId,
            PartNumber: n,
            Body: bytes,
            ContentLength: bytes.length,
            ContentMD5: md5.toString('base64'),
          }),
        );
        if (!etagMatches(part, [md5.toString('hex')])) {
          throw new StoreError('transient', DAMAGED);
        }
        parts.push({ PartNumber: n, ETag: part.ETag ?? '' });
      }
      const done = await client.send(
        new s3.CompleteMultipartUploadCommand({
          Bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: parts },
          ...(this.conditional ? { IfNoneMatch: '*' } : {}),
        }),
      );
      // A multipart ETag is the MD5 of the parts' MD5s and their count (some stores give the
      // whole file's MD5 instead).
      const ofParts = createHash('md5').update(Buffer.concat(partHashes)).digest('hex');
      await this.checkEtag(key, done, [
        `${ofParts}-${partHashes.length}`,
        (await body.md5()).toString('hex'),
      ]);
    } catch (err) {
      // Parts of an upload never completed cost storage until aborted.
      await client
        .send(new s3.AbortMultipartUploadCommand({ Bucket, Key: key, UploadId }))
        .catch(() => undefined);
      throw err;
    }
  }

  /** A stored object whose ETag shows other bytes than ours is removed, and the upload retried. */
  private async checkEtag(key: string, res: EtagAnswer, expected: string[]): Promise<void> {
    if (etagMatches(res, expected)) return;
    const { s3, client } = await this.client();
    await client.send(new s3.DeleteObjectCommand({ Bucket: this.location.bucket, Key: key }));
    throw new StoreError('transient', DAMAGED);
  }

  private async sizeOf(key: string): Promise<number | undefined> {
    const { s3, client } = await this.client();
    try {
      const head = await client.send(
        new s3.HeadObjectCommand({ Bucket: this.location.bucket, Key: key }),
      );
      return head.ContentLength ?? 0;
    } catch (err) {
      const fault = this.fault(err);
      if (fault.fault === 'not-found') return undefined;
      throw fault;
    }
  }

  private root(): string {
    return this.location.prefix ? `${this.location.prefix}/` : '';
  }

  private key(kind: FileKind, name: string): string {
    return `${this.root()}${objectPath(kind, name)}`;
  }

  private client(): Promise<{ s3: S3Module; client: S3Client }> {
    this.sdk ??= (async () => {
      // The SDK warns on stderr that its 2027 releases need Node 22; a CLI's stderr is for its
      // own messages.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const s3 = await import('@aws-sdk/client-s3');
      const { endpoint, region, pathStyle, credentials } = this.location;
      const agent = { keepAlive: true, maxSockets: SAVE_CONCURRENCY + 8 };
      const client = new s3.S3Client({
        region,
        ...(endpoint ? { endpoint } : {}),
        forcePathStyle: pathStyle,
        ...(credentials ? { credentials } : {}),
        maxAttempts: 1,
        // Without a logger of its own the SDK warns on the console (a failed streamed upload).
        logger: SILENT,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: {
          connectionTimeout: 15_000,
          socketTimeout: this.options.timeoutMs ?? 60_000,
          httpAgent: agent,
          httpsAgent: agent,
        },
      });
      return { s3, client };
    })();
    return this.sdk;
  }

  /** What an SDK error means (see Fault). */
  private fault(err: unknown): StoreError {
    if (err instanceof StoreError) return err;
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string };
    const name = e.name ?? 'Error';
    const status = e.$metadata?.httpStatusCode;
    // "403 InvalidAccessKeyId", or "503 Service Unavailable" from a store that sends no error
    // code (the SDK then names it "Error").
    const code = /^[A-Z][A-Za-z]+$/.test(name) && !GENERIC_NAMES.has(name) ? name : undefined;
    const reason = status ? (code ? `${status} ${code}` : statusText(status)) : name;
    if (name === 'NoSuchBucket') {
      return new StoreError('missing-root', `bucket "${this.location.bucket}" does not exist`, {
        cause: err,
      });
    }
    if (name === 'CredentialsProviderError') {
      return new StoreError('credentials', 'no credentials found', { cause: err });
    }
    if (CREDENTIAL_ERRORS.has(name)) return new StoreError('credentials', reason, { cause: err });
    if (status === undefined) return networkFault(err);
    if (status === 404) return new StoreError('not-found', reason, { cause: err });
    if (status === 412) return new StoreError('exists', reason, { cause: err });
    if (status === 403) return new StoreError('forbidden', reason, { cause: err });
    if (status === 501) return new StoreError('unsupported', reason, { cause: err });
    // 409 ConditionalRequestConflict: another conditional write to the key is in progress.
    // 400 BadDigest: the bytes were damaged on the way.
    if (status === 408 || status === 429 || status >= 500 || TRANSIENT_ERRORS.has(name)) {
      return new StoreError('transient', reason, { cause: err });
    }
    return new StoreError('fatal', reason, { cause: err });
  }
}

const ignore = (): void => undefined;
const SILENT = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

const DAMAGED = 'the stored bytes differ from those sent (ETag mismatch)';

interface EtagAnswer {
  ETag?: string;
  ServerSideEncryption?: string;
  SSECustomerAlgorithm?: string;
}

/**
 * Whether the ETag the store answered is the MD5 of what we sent. Stores that check
 * Content-MD5 refuse damaged bytes anyway; this catches the ones that do not. With KMS or
 * customer-key encryption the ETag is no MD5, so there is nothing to compare.
 */
function etagMatches(res: EtagAnswer, expected: string[]): boolean {
  if (!res.ETag || res.SSECustomerAlgorithm || res.ServerSideEncryption?.startsWith('aws:kms')) {
    return true;
  }
  const etag = res.ETag.replace(/"/g, '').toLowerCase();
  return !/^[0-9a-f]{32}(-\d+)?$/.test(etag) || expected.includes(etag);
}

const GENERIC_NAMES = new Set(['Error', 'Unknown', 'UnknownError', 'S3ServiceException']);

const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'InvalidSecurity',
]);

const TRANSIENT_ERRORS = new Set([
  'BadDigest',
  'ConditionalRequestConflict',
  'RequestTimeout',
  'IncompleteBody',
  'XAmzContentSHA256Mismatch',
]);

/**
 * An answer's body, copied once as it arrives: into `into` (ByteRange.into) or a buffer of the
 * declared length when it fits, else joined at the end. The SDK's own transformToByteArray()
 * joins every piece and Buffer.from() then copied the whole again.
 */
async function readBody(
  body: AsyncIterable<Uint8Array> | undefined,
  declared: number | undefined,
  into: Buffer | undefined,
): Promise<{ bytes: Buffer; received: number }> {
  if (!body) return { bytes: Buffer.alloc(0), received: 0 };
  const whole =
    declared === undefined || declared <= 0
      ? undefined
      : into && declared <= into.length
        ? into.subarray(0, declared)
        : Buffer.allocUnsafe(declared);
  const pieces: Uint8Array[] = [];
  let received = 0;
  for await (const piece of body) {
    if (whole && received + piece.length <= whole.length) whole.set(piece, received);
    else pieces.push(piece);
    received += piece.length;
  }
  if (whole && received === whole.length) return { bytes: whole, received };
  return { bytes: Buffer.concat(pieces), received };
}
