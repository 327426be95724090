/**
 * `diff --record ENDPOINT/ID`: one record of an API endpoint in two snapshots, field by field.
 * The record is looked up in each side's endpoint file by a binary search over its chunks
 * (record-seek.ts), so a large endpoint is not read whole. For a child endpoint the id may name
 * several records, one per parent; each is compared with its own counterpart.
 */
import { CairnError, errorMessage } from '../errors.js';
import type { TreeNode } from '../format/tree.js';
import { numberFromText } from '../sources/api/json-number.js';
import { parseJson } from '../sources/api/parse-json.js';
import { keyText, type RecordId } from '../sources/api/record-key.js';
import type { DiffReader } from './diff-reader.js';
import type { RecordComparison } from './diff-report.js';
import { diffFields } from './field-diff.js';
import { endpointIdPath, UnreadableRecords, type KeyedLine } from './record-cursor.js';
import { findRecords } from './record-seek.js';

interface EndpointFiles {
  source: string;
  endpoint: string;
  a?: TreeNode;
  b?: TreeNode;
  metaA?: TreeNode;
  metaB?: TreeNode;
}

export async function compareRecord(
  spec: string,
  roots: { a: string; b: string },
  apiSources: ReadonlySet<string>,
  reader: DiffReader,
): Promise<RecordComparison[]> {
  const endpoints = new Map<string, EndpointFiles>();
  await collectEndpoints(roots.a, 'a', apiSources, reader, endpoints);
  await collectEndpoints(roots.b, 'b', apiSources, reader, endpoints);
  const { files, id } = resolveSpec(spec, endpoints);
  const where = `${files.source}/${files.endpoint}`;
  try {
    const idPath = await endpointIdPath([files.metaB, files.metaA], reader);
    const find = async (node: TreeNode | undefined): Promise<KeyedLine[]> => {
      const out: KeyedLine[] = [];
      for (const target of idCandidates(id))
        out.push(...(await findRecords(node?.content ?? [], target, idPath, reader)));
      return out;
    };
    const before = new Map((await find(files.a)).map((r) => [keyText(r.key), r]));
    const after = new Map((await find(files.b)).map((r) => [keyText(r.key), r]));
    const keys = [...new Set([...before.keys(), ...after.keys()])];
    if (keys.length === 0)
      throw new CairnError('path-not-found', `no record ${id} in ${where} in either snapshot`);
    return keys.map((k) => {
      const a = before.get(k);
      const b = after.get(k);
      const key = (a ?? b)!.key;
      const recordA = a ? parseJson(a.line) : {};
      const recordB = b ? parseJson(b.line) : {};
      return {
        source: files.source,
        endpoint: files.endpoint,
        id: key.id,
        ...(key.parent === undefined ? {} : { parent: key.parent }),
        status: !a ? 'added' : !b ? 'removed' : a.line === b.line ? 'unchanged' : 'changed',
        fields: a && b && a.line === b.line ? [] : diffFields(recordA, recordB),
      };
    });
  } catch (err) {
    if (err instanceof UnreadableRecords)
      throw new CairnError('failure', `cannot read the records of ${where}: ${errorMessage(err)}`);
    throw err;
  }
}

/** The `.ndjson` files of each API source in a snapshot, keyed `source/endpoint`. */
async function collectEndpoints(
  root: string,
  side: 'a' | 'b',
  apiSources: ReadonlySet<string>,
  reader: DiffReader,
  out: Map<string, EndpointFiles>,
): Promise<void> {
  const api = (await reader.tree(root)).nodes.find((n) => n.name === 'api' && n.subtree);
  if (!api?.subtree) return;
  for (const dir of (await reader.tree(api.subtree)).nodes) {
    if (!apiSources.has(dir.name) || !dir.subtree) continue;
    const nodes = (await reader.tree(dir.subtree)).nodes;
    for (const node of nodes) {
      if (node.type !== 'file' || !node.name.endsWith('.ndjson')) continue;
      const endpoint = node.name.slice(0, -'.ndjson'.length);
      const key = `${dir.name}/${endpoint}`;
      const files = out.get(key) ?? { source: dir.name, endpoint };
      files[side] = node;
      const meta = nodes.find((n) => n.name === `${endpoint}.meta.json`);
      if (side === 'a') files.metaA = meta;
      else files.metaB = meta;
      out.set(key, files);
    }
  }
}

/** `SOURCE/ENDPOINT/ID`, or `ENDPOINT/ID` when only one source has that endpoint. */
function resolveSpec(
  spec: string,
  endpoints: Map<string, EndpointFiles>,
): { files: EndpointFiles; id: string } {
  const parts = spec.split('/');
  const full = endpoints.get(`${parts[0]}/${parts[1]}`);
  if (full && parts.length >= 3) return { files: full, id: parts.slice(2).join('/') };
  const named = [...endpoints.values()].filter((e) => e.endpoint === parts[0]);
  if (named.length === 1 && parts.length >= 2)
    return { files: named[0]!, id: parts.slice(1).join('/') };
  if (named.length > 1)
    throw new CairnError(
      'invalid-argument',
      `--record ${spec}: several sources have an endpoint ${parts[0]}; write SOURCE/ENDPOINT/ID (${named.map((e) => `${e.source}/${e.endpoint}`).join(', ')})`,
    );
  const known = [...endpoints.keys()];
  throw new CairnError(
    'invalid-argument',
    known.length === 0
      ? `--record ${spec}: neither snapshot holds API data`
      : parts.length < 2 || (!full && named.length === 0)
        ? `--record ${spec}: no endpoint ${parts[0]} in either snapshot (endpoints: ${known.join(', ')}); write ENDPOINT/ID`
        : `--record ${spec}: name a record id after the endpoint (ENDPOINT/ID)`,
  );
}

/**
 * `42` names a record whose id is the number 42 or the string "42"; `"42"` (quoted, as JSON)
 * only the string.
 */
function idCandidates(id: string): RecordId[] {
  if (/^".*"$/.test(id)) {
    try {
      return [JSON.parse(id) as string];
    } catch {
      return [id];
    }
  }
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(id)) {
    // Exactly as typed: an id beyond 2^53 stays that id (json-number.ts).
    return [numberFromText(id), id];
  }
  return [id];
}
