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
      tokenUrl: nonEmpty,
      clientId: secretValue,
      clientSecret: secretValue,
      scopes: z.array(z.string()).optional(),
    })
    .strict(),
]);

const limitsSchema = z
  .object({
    concurrency: z.number().int().min(1).max(256).optional(),
    requestsPerSecond: z.number().positive().optional(),
    timeoutMs: z.number().int().positive().optional(),
    maxResponseBytes: z.number().int().positive().optional(),
  })
  .strict();

const paginationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z
    .object({
      type: z.literal('page'),
      pageParam: nonEmpty.default('page'),
      startPage: z.number().int().default(1),
      sizeParam: nonEmpty.optional(),
      size: z.number().int().positive().optional(),
      stopOnShortPage: z.boolean().default(true),
      in: paramsIn,
    })
    .strict(),
  z
    .object({
      type: z.literal('offset'),
      offsetParam: nonEmpty.default('offset'),
      limitParam: nonEmpty.optional(),
      limit: z.number().int().positive().optional(),
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
      size: z.number().int().positive().optional(),
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
    baseUrl: z.string().url(),
    headers: headers.optional(),
    auth: authSchema.default({ type: 'none' }),
    limits: limitsSchema.default({}),
    fullSyncEvery: z.number().int().min(1).default(7),
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
