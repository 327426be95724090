/** Job ids are chosen here so the UI can follow a job's events before its start returns. */
export function newJobId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `job-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
