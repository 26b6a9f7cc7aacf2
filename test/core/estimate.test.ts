/**
 * The duration model's curve (src/core/estimate.ts): a power law between measured points,
 * at least linear past the largest, and nothing from points that cannot be used.
 */
import { describe, expect, it } from 'vitest';
import { curveMs } from '../../src/core/estimate.js';

describe('curveMs', () => {
  it('is zero without a usable point, and for no work', () => {
    expect(curveMs([], 5)).toBe(0);
    expect(curveMs([{ units: 0, ms: 5 }, { units: 3, ms: 0 }, { units: -1, ms: 4 }], 5)).toBe(0);
    expect(curveMs([{ units: 2, ms: 10 }], 0)).toBe(0);
    expect(curveMs([{ units: 2, ms: 10 }], -3)).toBe(0);
    // A flat curve (fixed costs only) still costs nothing for an empty table.
    expect(curveMs([{ units: 1, ms: 10 }, { units: 10, ms: 10 }], 0)).toBe(0);
  });

  it('scales one usable point linearly, ignoring the unusable ones', () => {
    expect(curveMs([{ units: 2, ms: 10 }], 4)).toBe(20);
    expect(curveMs([{ units: 0, ms: 5 }, { units: 2, ms: 10 }, { units: 8, ms: 0 }], 4)).toBe(20);
  });

  it('follows the power law through the points, in whatever order they are given', () => {
    expect(curveMs([{ units: 10, ms: 1000 }, { units: 1, ms: 10 }], 5)).toBeCloseTo(250, 6);
    expect(curveMs([{ units: 100, ms: 10_000 }, { units: 1, ms: 10 }, { units: 10, ms: 20 }], 50)).toBeCloseTo(20 * 5 ** Math.log10(500), 6);
    expect(curveMs([{ units: 1, ms: 10 }, { units: 10, ms: 20 }, { units: 100, ms: 10_000 }], 5)).toBeCloseTo(10 * 5 ** Math.log10(2), 6);
  });

  it('takes the faster of two measurements of one size, so no segment has zero width', () => {
    // Two small tables whose heaps are one page each measure the same MiB.
    const page = 8192 / (1024 * 1024);
    expect(curveMs([{ units: page, ms: 4 }, { units: page, ms: 3 }], 100 * page)).toBeCloseTo(300, 6);
    expect(curveMs([{ units: page, ms: 4 }, { units: page, ms: 3 }], page)).toBeCloseTo(3, 6);
    const repeated = [{ units: 1, ms: 10 }, { units: 10, ms: 120 }, { units: 10, ms: 100 }, { units: 100, ms: 1000 }];
    expect(curveMs(repeated, 10)).toBeCloseTo(100, 6);
    expect(curveMs(repeated, 5)).toBeCloseTo(10 * 5, 6);
    expect(curveMs(repeated, 1000)).toBeCloseTo(10_000, 6);
  });

  it('extends the first segment below the smallest point and grows at least linearly past the largest', () => {
    const sublinear = [
      { units: 1, ms: 10 },
      { units: 10, ms: 50 },
    ];
    expect(curveMs(sublinear, 0.5)).toBeCloseTo(10 * 0.5 ** Math.log10(5), 6);
    expect(curveMs(sublinear, 100)).toBeCloseTo(500, 6);
  });
});
