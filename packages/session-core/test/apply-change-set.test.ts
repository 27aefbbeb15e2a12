import { describe, expect, it } from '@jest/globals';
import { applyChangeSet } from '../src/index.js';

describe('applyChangeSet', () => {
  it('merges, deletes and replaces without touching its input', () => {
    const current = { a: '1', b: '2' };
    expect(applyChangeSet(current, { replace: false, set: { c: '3' }, delete: ['a'] })).toEqual({
      b: '2',
      c: '3',
    });
    expect(applyChangeSet(current, { replace: true, set: { c: '3' }, delete: [] })).toEqual({ c: '3' });
    expect(applyChangeSet(undefined, { replace: false, set: {}, delete: ['x'] })).toEqual({});
    expect(current).toEqual({ a: '1', b: '2' });
  });

  it('keeps fields with names that are special on plain objects', () => {
    const set = JSON.parse('{"__proto__":"1","constructor":"2","toString":"3"}') as Record<string, string>;
    const merged = applyChangeSet(undefined, { replace: false, set, delete: [] });
    expect(Object.keys(merged).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(JSON.stringify(merged)).toBe('{"__proto__":"1","constructor":"2","toString":"3"}');
  });
});
