/**
 * API source definitions as the UI sends them (the text in the editor), turned into what the
 * engine runs: parsed as JSON, then checked by the engine's own schema and rules
 * (`parseApiSourceDefinition`), so a test request or a backup accepts exactly what validation
 * showed as valid. Secret references (`env:`, `file:`, `keychain:`) stay references here; the
 * engine resolves them. Error messages never quote the text, which may hold a secret.
 */
import type { ApiEndpointTest, ApiSourceTest } from '../../shared/contract.js';
import { CairnError } from '../engine/errors.js';
import type { EngineService, FirstPageProbe, SourceDefinition } from '../engine/service-types.js';
import { ContractFailure } from './to-contract-error.js';

/** How many records of each endpoint's first page the test request shows. */
export const testSampleSize = 5;

export async function parseDefinitionText(
  engine: Pick<EngineService, 'parseApiSourceDefinition'>,
  text: string,
  which = 'The API source definition',
): Promise<SourceDefinition> {
  if (text.trim() === '') throw new ContractFailure('invalid-argument', `${which} is empty.`);
  try {
    JSON.parse(text);
  } catch {
    throw new ContractFailure(
      'invalid-argument',
      `${which} is not valid JSON; the editor shows where.`,
    );
  }
  try {
    // The text itself: the engine reads a body's numbers exactly, as from a definition file.
    return await engine.parseApiSourceDefinition(text, which);
  } catch (err) {
    if (err instanceof CairnError) throw new ContractFailure('invalid-argument', err.message);
    throw err;
  }
}

export function toSourceTest(source: string, probes: FirstPageProbe[]): ApiSourceTest {
  return { source, endpoints: probes.map(toEndpointTest) };
}

function toEndpointTest(probe: FirstPageProbe): ApiEndpointTest {
  return {
    endpoint: probe.endpoint,
    url: probe.url,
    status: probe.status,
    records: probe.records,
    sample: probe.sample.map(pretty),
    nextPage: probe.nextPage,
    error: probe.error,
  };
}

function pretty(canonical: string): string {
  return JSON.stringify(JSON.parse(canonical) as unknown, null, 2);
}
