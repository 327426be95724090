// Small JSON documents like an app's data folder: records with ids, names, timestamps, nested
// arrays. Their job in the bench is per-file overhead (thousands of small files, many folders),
// so sizes vary from a few hundred bytes to a few tens of KB and the content is plausible text.

const WORDS = (
  'alpha bravo cedar delta ember falcon garnet harbor indigo juniper kestrel lumen meadow ' +
  'nimbus orchid pepper quartz raven sierra timber umber velvet willow xenon yarrow zephyr ' +
  'backup restore snapshot archive ledger invoice project milestone review release draft'
).split(' ');
const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie'];
const STATES = ['open', 'closed', 'pending', 'archived', 'in_review'];

/**
 * One JSON document (pretty-printed, as apps usually write them) of roughly `targetBytes`.
 * @param {import('./prng.mjs').Prng} rng
 */
export function jsonDocument(rng, targetBytes) {
  const doc = {
    id: rng.hex(24),
    version: rng.range(1, 40),
    owner: person(rng),
    created_at: timestamp(rng),
    updated_at: timestamp(rng),
    title: sentence(rng, rng.range(3, 9)),
    state: rng.pick(STATES),
    labels: Array.from({ length: rng.int(5) }, () => rng.pick(WORDS)),
    entries: [],
  };
  // Grow the entry list until the serialized size is reached; the estimate per entry keeps
  // this linear instead of re-serializing the whole document after every push.
  let size = JSON.stringify(doc, null, 2).length;
  while (size < targetBytes) {
    const entry = {
      seq: doc.entries.length + 1,
      at: timestamp(rng),
      by: person(rng),
      amount: Math.round(rng.float() * 1e6) / 100,
      quantity: rng.int(500),
      note: sentence(rng, rng.range(4, 20)),
      ref: rng.hex(8),
    };
    doc.entries.push(entry);
    size += JSON.stringify(entry, null, 2).length + 8;
  }
  return JSON.stringify(doc, null, 2) + '\n';
}

function person(rng) {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  return {
    id: rng.int(100000),
    name: `${first} ${last}`,
    email: `${first}.${last}${rng.int(100)}@example.org`.toLowerCase(),
  };
}

function timestamp(rng) {
  // 2020-01-01 .. ~2026, millisecond precision like real API payloads.
  return new Date(1577836800000 + rng.int(200000) * 1000000 + rng.int(1000000)).toISOString();
}

function sentence(rng, words) {
  const out = [];
  for (let i = 0; i < words; i++) out.push(rng.pick(WORDS));
  const text = out.join(' ');
  return text[0].toUpperCase() + text.slice(1) + '.';
}
