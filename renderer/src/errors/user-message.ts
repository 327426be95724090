/**
 * The words the UI uses for each kind of error. The engine's own one-line message stays one
 * click away under "Details"; the headline is written for someone who has never seen a stack.
 */
import type { ContractError, ContractErrorKind } from '../../../shared/contract';

export interface UserMessage {
  title: string;
  /** Null: the engine's message is already the best sentence there is. */
  body: string | null;
}

export function userMessage(error: ContractError): UserMessage {
  return wordsFor(error.kind);
}

/** Each kind its words; a kind added to the contract without words here fails typecheck. */
function wordsFor(kind: ContractErrorKind): UserMessage {
  switch (kind) {
    case 'wrong-password':
      return {
        title: 'Wrong password',
        body: 'That password does not unlock this repository. Check it and try again.',
      };
    case 'repository-not-found':
      return {
        title: 'No repository there',
        body: 'There is no Cairn repository at this location. Check the location, or create a new repository there.',
      };
    case 'repository-exists':
      return {
        title: 'A repository is already there',
        body: 'This location already holds a Cairn repository. Open it instead, or choose an empty folder.',
      };
    case 'repository-locked':
      return {
        title: 'Repository is busy',
        body: 'Another backup or maintenance task is holding the repository. Try again when it has finished.',
      };
    case 'format-too-new':
      return {
        title: 'Made by a newer Cairn',
        body: 'This repository was written by a newer version of Cairn. Update Cairn to open it.',
      };
    case 'target-unreachable':
      return {
        title: 'Storage not reachable',
        body: 'Cairn cannot reach where the repository is stored. Check that the drive is connected or the network is up.',
      };
    case 'corrupt':
      return {
        title: 'Damaged data',
        body: 'Some data in the repository is damaged. Run a check to see which snapshots are affected.',
      };
    case 'snapshot-not-found':
      return { title: 'Snapshot not found', body: null };
    case 'path-not-found':
      return { title: 'Not found', body: null };
    case 'invalid-argument':
      return { title: 'Please check what you entered', body: null };
    case 'host-key-unknown':
      return {
        title: 'Server not trusted yet',
        body: 'Check the SFTP server’s host key fingerprint and trust it before connecting.',
      };
    case 'not-connected':
      return { title: 'No repository open', body: 'Open a repository first.' };
    case 'unsupported':
      return { title: 'Not available here', body: null };
    case 'incomplete':
      return { title: 'Finished with problems', body: null };
    case 'cancelled':
      return {
        title: 'Cancelled',
        body: 'The job was cancelled. Nothing was left half-written.',
      };
    case 'disconnected':
      return {
        title: 'Connection lost',
        body: 'The Cairn server stopped answering. Start `cairn serve` again and open the new address it prints.',
      };
    // The engine's sentence names the place and what to do; the title says what happened.
    case 'disk-full':
      return { title: 'Disk full', body: null };
    case 'read-only':
      return { title: 'Read-only', body: null };
    case 'failure':
      return { title: 'Something went wrong', body: null };
    default:
      return unknownKind(kind);
  }
}

/** Typecheck proves this unreachable; at run time (an older host) it still says something. */
function unknownKind(_kind: never): UserMessage {
  return { title: 'Something went wrong', body: null };
}

/** The text under "Details": what the engine said, and its technical detail. */
export function errorDetails(error: ContractError): string {
  return [`${error.kind}: ${error.message}`, error.detail].filter(Boolean).join('\n');
}
