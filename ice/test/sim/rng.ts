// Seeded PRNG (mulberry32) for deterministic simulations and the agents' `random`.
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Bound fill function, usable as an engine's `random` setting. */
  readonly fill = (out: Uint8Array): void => {
    for (let i = 0; i < out.length; i++) out[i] = (this.next() * 256) | 0;
  };
}
