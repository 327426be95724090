/**
 * The words the UI uses for each kind of error. The engine's own one-line message stays one
 * click away under "Details"; the headline is written for someone who has never seen a stack.
 */
import type { ContractError } from '../../../shared/contract';

export interface UserMessage {
  title: string;
  /** Null: the engine's message is already the best sentence there is. */
  body: string | null;
}

const messages: Record<string, UserMessage> = {
  'wrong-password': {
    title: 'Wrong password',
    body: 'That password does not unlock this repository. Check it and try again.',
  },
  'repository-not-found': {
    title: 'No repository there',
    body: 'There is no Cairn repository at this location. Check the location, or create a new repository there.',
  },
  'repository-exists': {
    title: 'A repository is already there',
    body: 'This location already holds a Cairn repository. Open it instead, or choose an empty folder.',
  },
  'repository-locked': {
    title: 'Repository is busy',
    body: 'Another backup or maintenance task is holding the repository. Try again when it has finished.',
  },
  'format-too-new': {
    title: 'Made by a newer Cairn',
    body: 'This repository was written by a newer version of Cairn. Update Cairn to open it.',
  },
  'target-unreachable': {
    title: 'Storage not reachable',
    body: 'Cairn cannot reach where the repository is stored. Check that the drive is connected or the network is up.',
  },
  corrupt: {
    title: 'Damaged data',
    body: 'Some data in the repository is damaged. Run a check to see which snapshots are affected.',
  },
  'snapshot-not-found': { title: 'Snapshot not found', body: null },
  'path-not-found': { title: 'Not found', body: null },
  'invalid-argument': { title: 'Please check what you entered', body: null },
  'host-key-unknown': {
    title: 'Server not trusted yet',
    body: 'Check the SFTP server’s host key fingerprint and trust it before connecting.',
  },
  'not-connected': { title: 'No repository open', body: 'Open a repository first.' },
  unsupported: { title: 'Not available here', body: null },
  incomplete: { title: 'Finished with problems', body: null },
  cancelled: { title: 'Cancelled', body: 'The job was cancelled. Nothing was left half-written.' },
  disconnected: {
    title: 'Connection lost',
    body: 'The Cairn server stopped answering. Start `cairn serve` again and open the new address it prints.',
  },
};

export function userMessage(error: ContractError): UserMessage {
  return messages[error.kind] ?? { title: 'Something went wrong', body: null };
}

/** The text under "Details": what the engine said, and its technical detail. */
export function errorDetails(error: ContractError): string {
  return [`${error.kind}: ${error.message}`, error.detail].filter(Boolean).join('\n');
}
