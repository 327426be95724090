/**
 * The hand-over between a pull and the backup storing it: bytes in order, bounded while the
 * reader is behind, attempts that start over, and no writer left waiting when the reader goes.
 */
import { describe, expect, it } from 'vitest';
import { EndpointFileChannel } from '../../electron/engine/sources/api/endpoint-file-channel.js';

async function readAll(channel: EndpointFileChannel): Promise<string[]> {
  const attempts: string[] = [];
  for await (const attempt of channel.attempts()) {
    let text = '';
    for await (const chunk of attempt) text += Buffer.from(chunk).toString('utf8');
    attempts.push(text);
  }
  return attempts;
}

describe('endpoint file channel', () => {
  it('hands bytes over in order, one attempt per restart; the last one is the file', async () => {
    const channel = new EndpointFileChannel(1 << 20);
    const reading = readAll(channel);
    await channel.write(Buffer.from('a\n'));
    await channel.write(Buffer.from('b\n'));
    channel.restart();
    await channel.write(Buffer.from('a\nb\nc\n'));
    channel.end();
    expect(await reading).toEqual(['a\nb\n', 'a\nb\nc\n']);
  });

  it('makes the writer wait while more than its bound is unread', async () => {
    const channel = new EndpointFileChannel(10);
    let written = 0;
    const writing = (async () => {
      for (let i = 0; i < 5; i++) {
        await channel.write(Buffer.alloc(8, 0x61));
        written++;
      }
      channel.end();
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(written).toBeLessThanOrEqual(2); // 16 bytes queued is past the bound of 10
    const [file] = await readAll(channel);
    await writing;
    expect(file).toHaveLength(40);
  });

  it('skips what the reader leaves of an attempt, and lets the writer go when the reader stops', async () => {
    const channel = new EndpointFileChannel(4);
    const writing = (async () => {
      await channel.write(Buffer.from('old old old\n'));
      await channel.write(Buffer.from('more\n'));
      channel.restart();
      await channel.write(Buffer.from('new\n'));
      channel.end();
    })();
    const attempts = channel.attempts()[Symbol.asyncIterator]();
    const first = (await attempts.next()).value!;
    expect(Buffer.from((await first.next()).value!).toString()).toBe('old old old\n');
    // The rest of the first attempt is never read; the second is.
    const second = (await attempts.next()).value!;
    expect(Buffer.from((await second.next()).value!).toString()).toBe('new\n');
    await writing;

    const abandoned = new EndpointFileChannel(4);
    const stuck = abandoned.write(Buffer.from('far more than four bytes'));
    abandoned.discard();
    await stuck; // resolves: nobody will read it
    await abandoned.write(Buffer.from('dropped'));
  });

  it('makes the reader throw when the pull fails as a whole', async () => {
    const channel = new EndpointFileChannel(1 << 20);
    await channel.write(Buffer.from('partial\n'));
    channel.fail(new Error('cancelled'));
    await expect(readAll(channel)).rejects.toThrow('cancelled');
  });
});
