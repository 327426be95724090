/**
 * The source-definition format v1 (../shared/examples/README.md): the declarative description of
 * a REST API source. Field names are a contract; an unknown field is an error that names it so
 * that a typo never silently changes what is backed up.
 */
import { z } from 'zod';
import { parseRecordPath } from './record-path.js';

export const SOURCE_DEFINITION_SCHEMA_V1 = 'cairn/source-definition/v1';

const nonEmpty = z.string().min(1);
/** A plain value or a secret reference (`keychain:ENTRY`, `env:NAME`, `file:PATH`). */
const secretValue = z.string();
const recordPath = nonEmpty.superRefine((text, ctx) => {
  try {
    parseRecordPath(text);
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
  }
});
/** Names become file names in snapshots (`/api/<source>/<endpoint>.ndjson`). */
const fileSafeName = nonEmpty.regex(
  /^(?!\.{1,2}$)[^/\\\0:*?"<>|]+$/,
  'must be usable as a file name (no / \\ : * ? " < > |, not . or ..)',
);
/** An absolute http: or https: URL (the only schemes Cairn speaks to APIs with). */
const httpUrl = nonEmpty.superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(text)} is not a URL` });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `must be an http:// or https:// URL, not ${url.protocol}`,
    });
  }
});
/**
 * A number within a documented range; the message names the range and the value given (zod's
 * own says only "Number must be less than or equal to …").
 */
const numberIn = (min: number, max: number, unit: string, whole: boolean) => {
  const range = `must be a ${whole ? 'whole number' : 'number'} from ${min} to ${max}${unit}`;
  return z.number({ invalid_type_error: range }).superRefine((n, ctx) => {
    if (n < min || n > max || (whole && !Number.isInteger(n))) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${range}, not ${n}` });
    }
  });
};
const intIn = (min: number, max: number, unit = '') => numberIn(min, max, unit, true);
/** Page sizes and limits sent to the API. */
const pageSize = intIn(1, 100_000);
const headers = z.record(z.string(), secretValue);
const paramsIn = z.enum(['query', 'body']).default('query');

const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('bearer'), token: secretValue }).strict(),
  z.object({ type: z.literal('basic'), username: secretValue, password: secretValue }).strict(),
  z
    .object({
      type: z.literal('apiKey'),
      in: z.enum(['header', 'query']),
      name: nonEmpty,
      value: secretValue,
    })
    .strict(),
  z
    .object({
      type: z.literal('oauth2-client-credentials'),
      tokenUrl: httpUrl,
      clientId: secretValue,
      clientSecret: secretValue,
      scopes: z.array(z.string()).optional(),
      /** How the client proves itself: HTTP Basic (RFC 6749 §2.3.1) or in the form body. */
      clientAuthentication: z.enum(['basic', 'body']).default('basic'),
    })
    .strict(),
]);

/**
 * The ranges are documented (docs/api-sources.md): beyond them a value is a typo or would break
 * the client (a timer longer than Node's 24.8 days fires at once; a response bigger than a
 * string can hold cannot be parsed).
 */
export const LIMIT_RANGES = {
  concurrency: [1, 256],
  requestsPerSecond: [0.001, 10_000],
  timeoutMs: [100, 3_600_000],
  maxResponseBytes: [1024, 256 << 20],
} as const;

const limitsSchema = z
  .object({
    concurrency: intIn(...LIMIT_RANGES.concurrency).optional(),
    requestsPerSecond: numberIn(
      ...LIMIT_RANGES.requestsPerSecond,
      ' requests per second',
      false,
    ).optional(),
    timeoutMs: intIn(...LIMIT_RANGES.timeoutMs, ' ms').optional(),
    maxResponseBytes: intIn(...LIMIT_RANGES.maxResponseBytes, ' bytes').optional(),
  })
  .strict();

const paginationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z
    .object({
      type: z.literal('page'),
      pageParam: nonEmpty.default('page'),
      startPage: intIn(0, 1_000_000).default(1),
      sizeParam: nonEmpty.optional(),
      size: pageSize.optional(),
      stopOnShortPage: z.boolean().default(true),
      in: paramsIn,
    })
    .strict(),
  z
    .object({
      type: z.literal('offset'),
      offsetParam: nonEmpty.default('offset'),
      limitParam: nonEmpty.optional(),
      limit: pageSize.optional(),
      stopOnShortPage: z.boolean().default(true),
      in: paramsIn,
    })
    .strict(),
  z
    .object({
      type: z.literal('cursor'),
      cursorParam: nonEmpty,
      nextCursor: recordPath.optional(),
      nextCursorHeader: nonEmpty.optional(),
      hasMore: recordPath.optional(),
      sizeParam: nonEmpty.optional(),
      size: pageSize.optional(),
      in: paramsIn,
    })
    .strict(),
  z.object({ type: z.literal('next-url'), next: recordPath }).strict(),
  z.object({ type: z.literal('link') }).strict(),
]);

const incrementalSchema = z.object({ cursorField: recordPath, param: nonEmpty }).strict();

const endpointSchema = z
  .object({
    name: fileSafeName,
    path: z.string(),
    method: z.enum(['GET', 'POST']).default('GET'),
    body: z.record(z.string(), z.unknown()).optional(),
    headers: headers.optional(),
    records: recordPath,
    id: recordPath.default('id'),
    pagination: paginationSchema.default({ type: 'none' }),
    /** A safety stop: more pages than this (per parent, for a child endpoint) fail the endpoint. */
    maxPages: intIn(1, 100_000_000).optional(),
    incremental: incrementalSchema.optional(),
  })
  .strict();

const restoreSchema = z
  .object({
    method: z.enum(['POST', 'PUT', 'PATCH']),
    path: z.string(),
    omit: z.array(z.string()).optional(),
    conflict: z.enum(['skip', 'overwrite', 'create']).default('skip'),
    existsPath: z.string().optional(),
    idMap: z.boolean().optional(),
    responseId: recordPath.optional(),
    refs: z.record(z.string(), z.string()).optional(),
    idempotencyKey: z.boolean().optional(),
  })
  .strict();

export const sourceDefinitionSchema = z
  .object({
    $schema: z.literal(SOURCE_DEFINITION_SCHEMA_V1).optional(),
    name: fileSafeName,
    baseUrl: httpUrl,
    headers: headers.optional(),
    auth: authSchema.default({ type: 'none' }),
    limits: limitsSchema.default({}),
    fullSyncEvery: intIn(1, 10_000).default(7),
    endpoints: z.array(endpointSchema).min(1),
    restore: z.record(z.string(), restoreSchema).optional(),
  })
  .strict();

export type SourceDefinition = z.infer<typeof sourceDefinitionSchema>;
export type EndpointDefinition = SourceDefinition['endpoints'][number];
export type AuthDefinition = SourceDefinition['auth'];
export type PaginationDefinition = EndpointDefinition['pagination'];
export type LimitsDefinition = SourceDefinition['limits'];
export type IncrementalDefinition = NonNullable<EndpointDefinition['incremental']>;
