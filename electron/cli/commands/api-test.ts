/**
 * `cairn api test SOURCE.json [--endpoint NAME]... [--json]`: shows the first page of each
 * endpoint — the request, the records found, the next page — without saving anything.
 * `argv` is what follows `api test`. Exit code 0 when every endpoint answered, 1 otherwise.
 */
import { parseArgs } from 'node:util';
import { CairnError, errorMessage } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import type { FirstPageProbe } from '../../engine/service-types.js';

const PREVIEW_CHARS = 300;

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { endpoint: { type: 'string', multiple: true }, json: { type: 'boolean' } },
    });
  } catch (err) {
    process.stderr.write(`cairn api test: ${errorMessage(err)}\n`);
    return 1;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    process.stderr.write('usage: cairn api test SOURCE.json [--endpoint NAME]... [--json]\n');
    return 1;
  }
  try {
    const engine = createEngine();
    const definition = await engine.loadApiSourceDefinition(file);
    const probes = await engine.testApiSource(definition, { endpoints: parsed.values.endpoint });
    if (parsed.values.json) process.stdout.write(`${probesJson(probes)}\n`);
    else for (const probe of probes) process.stdout.write(describe(probe));
    return probes.every((p) => p.error === null) ? 0 : 1;
  } catch (err) {
    process.stderr.write(`cairn api test: ${errorMessage(err)}\n`);
    return err instanceof CairnError ? err.exitCode : 1;
  }
}

function describe(probe: FirstPageProbe): string {
  const lines = [`${probe.endpoint}: ${probe.url ?? '(no request)'}`];
  if (probe.error !== null) lines.push(`  error: ${probe.error}`);
  else {
    lines.push(`  records found: ${probe.records}`);
    lines.push(`  next page: ${probe.nextPage ?? '(none: this is the last page)'}`);
    if (probe.firstRecord !== null) {
      const preview =
        probe.firstRecord.length > PREVIEW_CHARS
          ? `${probe.firstRecord.slice(0, PREVIEW_CHARS)}…`
          : probe.firstRecord;
      lines.push(`  first record: ${preview}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Stands in for a first record until the text is put in (JSON writes U+0000 as \u0000). */
const RECORD_MARK = '\u0000record ';

/**
 * The probes as JSON. A first record is canonical JSON whose numbers are exactly what the API
 * sent (ids beyond 2^53 included); parsing it into a JavaScript value would round them, so it is
 * put into the document as the text it is.
 */
function probesJson(probes: FirstPageProbe[]): string {
  const records: string[] = [];
  const shown = probes.map((probe) => ({
    endpoint: probe.endpoint,
    url: probe.url,
    status: probe.status,
    records: probe.records,
    next_page: probe.nextPage,
    first_record:
      probe.firstRecord === null ? null : `${RECORD_MARK}${records.push(probe.firstRecord) - 1}`,
    error: probe.error,
  }));
  return JSON.stringify(shown, null, 2).replace(
    /"\\u0000record (\d+)"/g,
    (_, i: string) => records[Number(i)]!,
  );
}
