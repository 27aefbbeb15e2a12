import { describe, expect, it } from '@jest/globals';
import { decodeFieldName, encodeFieldName } from '../src/field-names.js';

const TRICKY_NAMES = [
  'cart',
  'user.name',
  '$set',
  'a$b',
  'a..b.',
  '%',
  '%2E',
  '100%',
  'nul\u0000inside',
  'with space',
  '__flash:notice',
  'ünïcödé 🎉',
  '%%..$$',
];

describe('field names in the data sub-document', () => {
  it.each([
    ['user.name', 'user%2Ename'],
    ['$set', '%24set'],
    ['a$b', 'a%24b'],
    ['100%', '100%25'],
    ['%2E', '%252E'],
    ['nul\u0000inside', 'nul%00inside'],
    ['cart', 'cart'],
    ['ünïcödé 🎉', 'ünïcödé 🎉'],
  ])('%j is stored as %j', (name, stored) => {
    expect(encodeFieldName(name)).toBe(stored);
  });

  it('encoded names have no ".", "$" or NUL, which MongoDB paths cannot hold', () => {
    for (const name of TRICKY_NAMES) {
      expect(encodeFieldName(name)).not.toMatch(/[.$]/);
      expect(encodeFieldName(name)).not.toContain('\u0000');
    }
  });

  it('decoding gives back every name, and distinct names stay distinct', () => {
    const encoded = TRICKY_NAMES.map(encodeFieldName);
    expect(encoded.map(decodeFieldName)).toEqual(TRICKY_NAMES);
    expect(new Set(encoded).size).toBe(TRICKY_NAMES.length);
  });
});
