// A small seeded PRNG so the bench data is byte-for-byte the same on every machine and run.
// Math.random is unseeded and differs between engines, so it cannot give reproducible data.
// xoshiro128** (Blackman & Vigna) in 32-bit integer arithmetic: fast in JS (no BigInt) and
// statistically good enough that its output is incompressible, which the large random files
// rely on. It is seeded through splitmix32 so that nearby seeds give unrelated streams.

/** splitmix32: spreads one 32-bit seed into well-mixed state words. */
function splitmix32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Prng {
  /**
   * @param {number} seed base seed
   * @param {number} [stream] separates independent streams (one per kind of data), so that
   *   changing how much of one kind is generated does not shift the bytes of another.
   */
  constructor(seed, stream = 0) {
    const mix = splitmix32((seed ^ Math.imul(stream + 1, 0x27d4eb2d)) >>> 0);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  /** Next 32-bit unsigned integer. */
  u32() {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  float() {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n) {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo, hi) {
    return lo + this.int(hi - lo + 1);
  }

  pick(items) {
    return items[this.int(items.length)];
  }

  /** Lowercase hex string of `chars` digits (request ids, hashes). */
  hex(chars) {
    let out = '';
    while (out.length < chars) out += this.u32().toString(16).padStart(8, '0');
    return out.slice(0, chars);
  }

  /** Fills a buffer with PRNG bytes, four at a time. */
  fill(buf) {
    const words = Math.floor(buf.length / 4);
    // A Uint32Array view needs 4-byte alignment; Buffers from allocUnsafe may not have it.
    if (buf.byteOffset % 4 === 0) {
      const view = new Uint32Array(buf.buffer, buf.byteOffset, words);
      for (let i = 0; i < words; i++) view[i] = this.u32();
    } else {
      for (let i = 0; i < words; i++) buf.writeUInt32LE(this.u32(), i * 4);
    }
    for (let i = words * 4; i < buf.length; i++) buf[i] = this.u32() & 0xff;
    return buf;
  }
}

function rotl(x, k) {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
