/**
 * An ArrayBuffer holding exactly `buf`'s bytes that may be transferred to another thread: its
 * own when `buf` covers all of it (and it is not Node's shared pool for small buffers), else a
 * copy. After a transfer the original is detached: do not use `buf` afterwards.
 */
export function detachable(buf: Buffer): ArrayBuffer {
  if (
    buf.byteOffset === 0 &&
    buf.byteLength === buf.buffer.byteLength &&
    buf.buffer.byteLength !== Buffer.poolSize
  ) {
    return buf.buffer as ArrayBuffer;
  }
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return copy.buffer;
}
