/**
 * The record diff reads only the stretches where two endpoint files differ; it must still find
 * exactly what a full comparison finds. Files are stored in a real repository with small chunks
 * (so a file is many chunks and some records are longer than a chunk), edited at random —
 * records changed, inserted, deleted, in runs and alone, at the ends and in the middle — and the
 * result is compared with a plain merge of the whole files. Also: the record lookup by binary
 * search finds what a scan finds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chunker } from '../../../electron/engine/chunker/fastcdc.js';
import { DiffReader } from '../../../electron/engine/diff/diff-reader.js';
import { diffEndpoint } from '../../../electron/engine/diff/record-diff.js';
import { findRecords } from '../../../electron/engine/diff/record-seek.js';
import type { TreeNode } from '../../../electron/engine/format/tree.js';
import { Repository } from '../../../electron/engine/repository/repository.js';
import { canonicalJson } from '../../../electron/engine/sources/api/canonical-json.js';
import { compileRecordPath } from '../../../electron/engine/sources/api/record-path.js';
import { openTarget } from '../../../electron/engine/targets/location.js';
import { ProgressMeter } from '../../../electron/engine/util/progress-meter.js';

let dir: string;
let repo: Repository;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cairn-record-diff-'));
  repo = await Repository.init(openTarget(path.join(dir, 'repo')), 'pw', {
    chunker: {
      algorithm: 'fastcdc-gear32',
      seed: 'ab'.repeat(32),
      min_size: 1024,
      avg_size: 2048,
      max_size: 8192,
    },
  });
});
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rec = { id: number; title: string; body: string };

function record(id: number, random: () => number, version = 0): Rec {
  // Mostly short records, some longer than the largest chunk.
  const long = random() < 0.01;
  const length = long ? 9000 + Math.floor(random() * 6000) : 40 + Math.floor(random() * 200);
  let body = '';
  while (body.length < length)
    body += `${id}-${version}-${Math.floor(random() * 1e9).toString(36)} `;
  return { id, title: `record ${id} v${version}`, body: body.slice(0, length) };
}

async function store(records: Rec[]): Promise<TreeNode> {
  const text = records.map((r) => canonicalJson(r) + '\n').join('');
  const chunks: Buffer[] = [];
  const chunker = new Chunker(repo.config.chunker, (c) => chunks.push(Buffer.from(c)));
  chunker.push(Buffer.from(text));
  chunker.finish();
  const content: string[] = [];
  for (const c of chunks) content.push((await repo.saveBlob('data', c)).id);
  await repo.flush();
  await repo.loadIndex();
  return {
    name: 'items.ndjson',
    type: 'file',
    mode: 0o644,
    mtime_ns: '0',
    size: text.length,
    content,
  };
}

function naive(before: Rec[], after: Rec[]) {
  const a = new Map(before.map((r) => [r.id, canonicalJson(r)]));
  const b = new Map(after.map((r) => [r.id, canonicalJson(r)]));
  return {
    added: [...b.keys()].filter((id) => !a.has(id)).map((id) => ({ id })),
    removed: [...a.keys()].filter((id) => !b.has(id)).map((id) => ({ id })),
    changed: [...a.keys()]
      .filter((id) => b.has(id) && a.get(id) !== b.get(id))
      .map((id) => ({ id })),
  };
}

function edit(before: Rec[], random: () => number, edits: number): Rec[] {
  const after = [...before];
  let nextId = Math.max(...before.map((r) => r.id)) + 1;
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * after.length);
    const span = 1 + Math.floor(random() * (random() < 0.2 ? 40 : 3));
    const kind = random();
    if (kind < 0.2) {
      for (let i = at; i < Math.min(after.length, at + span); i++)
        after[i] = record(after[i]!.id, random, e + 1);
    } else if (kind < 0.3) {
      // A small change at the start of a line ("body" is its first key) or at its end
      // ("title" its last): the rest of the line, and so the chunk cuts around it, stay.
      const r = after[at]!;
      after[at] =
        random() < 0.5 ? { ...r, body: `X${r.body.slice(1)}` } : { ...r, title: `${r.title}!` };
    } else if (kind < 0.45) {
      // The same along a run of records.
      for (let i = at; i < Math.min(after.length, at + span * 10); i++)
        after[i] = { ...after[i]!, title: `${after[i]!.title}.` };
    } else if (kind < 0.7) {
      after.splice(at, span);
    } else if (kind < 0.85) {
      // Ids between neighbours: these records sort in the middle.
      const id = after[at]!.id - 0.5;
      if (!after.some((r) => r.id === id)) after.splice(at, 0, record(id, random, e + 1));
    } else {
      after.push(record(nextId++, random, e + 1));
    }
  }
  return after.sort((x, y) => x.id - y.id);
}

describe('record diff over chunk stretches', () => {
  it('finds exactly what a full comparison finds, reading less', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = prng(seed);
      const count = 200 + Math.floor(random() * 1500);
      const before = Array.from({ length: count }, (_, i) => record(i * 2 + 1, random));
      const after = edit(before, random, Math.floor(random() * 12));
      const a = await store(before);
      const b = await store(after);
      const reader = new DiffReader(repo, new ProgressMeter('diff'), undefined);
      const found = await diffEndpoint(
        {
          source: 's',
          endpoint: 'items',
          path: '/api/s/items.ndjson',
          a,
          b,
          metaA: undefined,
          metaB: undefined,
        },
        reader,
        undefined,
      );
      expect(found.error, `seed ${seed}`).toBeUndefined();
      const want = naive(before, after);
      expect(
        { added: found.added, removed: found.removed, changed: found.changed },
        `seed ${seed}`,
      ).toEqual(want);
      const stored = [...a.content!, ...b.content!].reduce(
        (sum, id) => sum + repo.index.lookup(id)!.length,
        0,
      );
      expect(reader.bytesRead, `seed ${seed}`).toBeLessThanOrEqual(stored);
    }
  });

  it('reads only the chunks that differ for a change inside one chunk', async () => {
    const random = prng(99);
    const before = Array.from({ length: 3000 }, (_, i) => record(i + 1, random));
    const after = [...before];
    after[1500] = { ...after[1500]!, title: 'edited' };
    const a = await store(before);
    const b = await store(after);
    const reader = new DiffReader(repo, new ProgressMeter('diff'), undefined);
    const found = await diffEndpoint(
      {
        source: 's',
        endpoint: 'items',
        path: '/api/s/items.ndjson',
        a,
        b,
        metaA: undefined,
        metaB: undefined,
      },
      reader,
      undefined,
    );
    expect(found.changed).toEqual([{ id: 1501 }]);
    const differing = [
      ...a.content!.filter((id) => !b.content!.includes(id)),
      ...b.content!.filter((id) => !a.content!.includes(id)),
    ];
    const differingBytes = differing.reduce((sum, id) => sum + repo.index.lookup(id)!.length, 0);
    expect(reader.bytesRead).toBe(differingBytes);
  });

  it('the lookup by id finds what a scan finds, records longer than a chunk included', async () => {
    const random = prng(7);
    const records = Array.from({ length: 1200 }, (_, i) => record(i * 3, random));
    const file = await store(records);
    const idPath = compileRecordPath('id');
    for (const id of [
      0,
      3,
      1,
      1797,
      1800,
      3597,
      3598,
      -5,
      ...records.filter((r) => r.body.length > 8192).map((r) => r.id),
    ]) {
      const reader = new DiffReader(repo, new ProgressMeter('diff'), undefined);
      const found = await findRecords(file.content!, id, idPath, reader);
      const want = records.filter((r) => r.id === id).map((r) => canonicalJson(r));
      expect(
        found.map((f) => f.line),
        `id ${id}`,
      ).toEqual(want);
    }
  });
});
