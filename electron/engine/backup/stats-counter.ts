export class StatsCounter {
  filesNew = 0;
  filesChanged = 0;
  filesUnchanged = 0;
  dirs = 0;
  bytesProcessed = 0;
  /** Only what was read; unchanged files are reused without reading them. */
  bytesRead = 0;
}
