/**
 * The write policy given to the throttling plugin: serial writes, the first few at once,
 * then a second apart (GitHub's guidance for many mutating requests). Run on a fake clock:
 * the times below are the clock's, not measured.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UNSPACED_WRITES, WRITE_SPACING_MS, WritePacer } from '../../src/github/client.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('WritePacer', () => {
  it(`sends ${UNSPACED_WRITES} writes at once, one at a time, and spaces the rest by ${WRITE_SPACING_MS} ms`, async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new WritePacer().key();
    let running = 0;
    let mostAtOnce = 0;
    const write = async () => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await Promise.resolve();
      running--;
      return Date.now();
    };
    const done = Promise.all(Array.from({ length: UNSPACED_WRITES + 3 }, () => limiter.schedule({}, write)));
    await vi.advanceTimersByTimeAsync((UNSPACED_WRITES + 3) * WRITE_SPACING_MS);
    const startedAt = await done;
    expect(mostAtOnce).toBe(1);
    const burst = startedAt.slice(0, UNSPACED_WRITES);
    expect(Math.max(...burst)).toBeLessThan(WRITE_SPACING_MS);
    const spaced = startedAt.slice(UNSPACED_WRITES - 1);
    for (let i = 1; i < spaced.length; i++) expect(spaced[i]! - spaced[i - 1]!).toBeGreaterThanOrEqual(WRITE_SPACING_MS);
  });
});
