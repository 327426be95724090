/**
 * The name of this machine as Cairn records it in snapshots and locks: CAIRN_HOSTNAME when set
 * (a container or CI runner whose name changes with every start, or a test playing another
 * machine), else the system's host name.
 */
import os from 'node:os';

export function hostName(): string {
  return process.env.CAIRN_HOSTNAME || os.hostname();
}
