/**
 * Migration versions and changes (src/core/migration.ts): the natural order of versions every
 * convention sorts by, the key that groups equal versions, and which changes are under review.
 */
import { describe, expect, it } from 'vitest';
import { compareVersions, isChanged, sortByVersion, versionKey } from '../../src/core/migration.js';

describe('compareVersions', () => {
  it('compares digit runs by value, at any length, and the rest as text', () => {
    expect(compareVersions('V2', 'V10')).toBeLessThan(0);
    expect(compareVersions('V10', 'V2')).toBeGreaterThan(0);
    expect(compareVersions('V1.1', 'V1.2')).toBeLessThan(0);
    expect(compareVersions('005', '5')).toBe(0);
    expect(compareVersions('99999999999999999999', '100000000000000000000')).toBeLessThan(0);
    expect(compareVersions('1a', '1b')).toBeLessThan(0);
    expect(compareVersions('1b', '1a')).toBeGreaterThan(0);
    expect(compareVersions('1_a', '1a')).toBeLessThan(0);
  });

  it('puts a version before its own extensions (V1 before V1.1)', () => {
    expect(compareVersions('V1', 'V1.1')).toBeLessThan(0);
    expect(compareVersions('V1.1', 'V1')).toBeGreaterThan(0);
  });

  it('puts an empty version before any other', () => {
    expect(compareVersions('', 'A')).toBeLessThan(0);
    expect(compareVersions('', '0')).toBeLessThan(0);
    expect(compareVersions('', '')).toBe(0);
  });

  it('sorts by version, then by the tie-breaker', () => {
    const items = ['V10__b', 'V2__z', 'V2__a', 'V1.1__c'].map((name) => ({ name, version: name.split('__')[0]! }));
    expect(sortByVersion(items, (item) => item.version, (a, b) => a.name.localeCompare(b.name)).map((item) => item.name)).toEqual(['V1.1__c', 'V2__a', 'V2__z', 'V10__b']);
  });
});

describe('versionKey', () => {
  it('is equal exactly when the versions compare equal', () => {
    expect(versionKey('V005_1')).toBe(versionKey('V5_1'));
    expect(versionKey('0')).toBe(versionKey('000'));
    expect(versionKey('V5_1')).not.toBe(versionKey('V5_10'));
    expect(versionKey('V50')).not.toBe(versionKey('V5'));
    // NOTE: only leading zeros are dropped: 105 is not 15.
    expect(versionKey('V105')).not.toBe(versionKey('V15'));
    expect(versionKey('V0105')).toBe(versionKey('V105'));
    expect(versionKey('V1')).toBe('["V","1"]');
  });
});

describe('isChanged', () => {
  it('reviews added and modified files only', () => {
    expect([isChanged('added'), isChanged('modified'), isChanged('unchanged'), isChanged('deleted'), isChanged(undefined)]).toEqual([true, true, false, false, false]);
  });
});
