import { describe, expect, it } from 'vitest';
import { buildPreview } from '../../../electron/session/file-preview.js';

describe('buildPreview', () => {
  it('shows text as text', () => {
    const p = buildPreview('/notes.md', 6, Buffer.from('# Hi\n\n'));
    expect(p).toMatchObject({ kind: 'text', text: '# Hi\n\n', truncated: false });
  });

  it('shows API data as pretty-printed records, dropping a record cut off by the preview', () => {
    const head = Buffer.from('{"id":1,"title":"a"}\n{"id":2,"title":"b"}\n{"id":3,"ti');
    const p = buildPreview('/api/tracker/tasks.ndjson', 1000, head);
    expect(p.kind).toBe('records');
    expect(p.records).toEqual([
      JSON.stringify({ id: 1, title: 'a' }, null, 2),
      JSON.stringify({ id: 2, title: 'b' }, null, 2),
    ]);
    expect(p.truncated).toBe(true);
  });

  it('pretty-prints records with their numbers exactly as stored', () => {
    // Before: JSON.parse showed 9007199254740993 as 9007199254740992 and 1.50 as 1.5.
    const head = Buffer.from(
      '{"amount":-98765432109876543210,"id":9007199254740993,"price":1.50}\n',
    );
    const p = buildPreview('/api/tracker/tasks.ndjson', head.length, head);
    expect(p.records).toEqual([
      '{\n  "amount": -98765432109876543210,\n  "id": 9007199254740993,\n  "price": 1.50\n}',
    ]);
  });

  it('shows binary data as a hex dump', () => {
    const p = buildPreview('/photo.raw', 4, Buffer.from([0, 1, 2, 255]));
    expect(p.kind).toBe('binary');
    expect(p.text).toMatch(/^00000000 {2}00 01 02 ff/);
  });

  it('does not mistake UTF-8 cut in the middle of a character for binary', () => {
    const text = Buffer.from('é'.repeat(10));
    const p = buildPreview('/fr.txt', 100, text.subarray(0, 19));
    expect(p).toMatchObject({ kind: 'text', text: 'é'.repeat(9), truncated: true });
  });
});
