/**
 * .NET's `new Random(seed)`: with a seed, .NET keeps the legacy generator (Knuth's subtractive method, the runtime's
 * Net5CompatSeedImpl) so that seeded sequences never change; the batch plan depends on its exact draws.
 * Every operation wraps to 32 bits as C#'s unchecked int arithmetic does.
 */
const MBIG = 2147483647;
const MSEED = 161803398;

export class DotNetRandom {
  private readonly state = new Int32Array(56);
  private next = 0;
  private nextP = 21;

  constructor(seed: number) {
    const s = this.state;
    const subtraction = seed === -2147483648 ? MBIG : Math.abs(seed | 0);
    let mj = (MSEED - subtraction) | 0;
    s[55] = mj;
    let mk = 1;
    let ii = 0;
    for (let i = 1; i < 55; i++) {
      if ((ii += 21) >= 55) ii -= 55;
      s[ii] = mk;
      mk = (mj - mk) | 0;
      if (mk < 0) mk = (mk + MBIG) | 0;
      mj = s[ii];
    }
    for (let k = 1; k < 5; k++) {
      for (let i = 1; i < 56; i++) {
        let n = i + 30;
        if (n >= 55) n -= 55;
        s[i] = (s[i] - s[1 + n]) | 0;
        if (s[i] < 0) s[i] = (s[i] + MBIG) | 0;
      }
    }
  }

  /** InternalSample: an int in [0, int.MaxValue). */
  private sample(): number {
    const s = this.state;
    if (++this.next >= 56) this.next = 1;
    if (++this.nextP >= 56) this.nextP = 1;
    let value = (s[this.next] - s[this.nextP]) | 0;
    if (value === MBIG) value--;
    if (value < 0) value = (value + MBIG) | 0;
    s[this.next] = value;
    return value;
  }

  /** Random.Next(maxValue): (int)(Sample() * maxValue), with Sample() = InternalSample() * (1.0 / int.MaxValue). */
  nextInt(maxValue: number): number {
    return Math.trunc(this.sample() * (1.0 / MBIG) * maxValue);
  }
}
