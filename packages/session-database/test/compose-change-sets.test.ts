import { describe, expect, it } from '@jest/globals';
import { applyChangeSet, type SessionChangeSet, type SessionFields } from '@tina4/session-core';
import { composeChangeSets } from '../src/compose-change-sets.js';

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];

/** A deterministic pseudo-random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function randomChangeSet(next: () => number, round: number): SessionChangeSet {
  const set: SessionFields = {};
  const remove: string[] = [];
  for (const name of NAMES) {
    const roll = next();
    if (roll < 0.3) set[name] = JSON.stringify(`${name}${round}`);
    else if (roll < 0.5) remove.push(name);
  }
  return { replace: next() < 0.15, set, delete: remove };
}

describe('composeChangeSets', () => {
  it('has the effect of applying the change sets one after the other (2 000 random sequences)', () => {
    const next = random(7148);
    for (let sequence = 0; sequence < 2000; sequence++) {
      const start: SessionFields | undefined = next() < 0.2 ? undefined : { a: '0', c: '0', e: '0' };
      const changeSets = Array.from({ length: 1 + Math.floor(next() * 5) }, (_, round) =>
        randomChangeSet(next, round),
      );
      const oneByOne = changeSets.reduce<SessionFields | undefined>(
        (fields, changes) => applyChangeSet(fields, changes),
        start,
      );
      const composed = changeSets.reduce((first, second) => composeChangeSets(first, second));
      expect({ ...applyChangeSet(start, composed) }).toEqual(oneByOne);
      // The store contract: a field is never both set and deleted.
      for (const name of composed.delete) expect(Object.keys(composed.set)).not.toContain(name);
    }
  });

  it('a replace later in the sequence wins; one earlier stays a replace', () => {
    const replace: SessionChangeSet = { replace: true, set: { r: '1' }, delete: [] };
    const merge: SessionChangeSet = { replace: false, set: { m: '2' }, delete: ['r', 'x'] };
    expect(composeChangeSets(merge, replace)).toEqual(replace);
    expect({ ...composeChangeSets(replace, merge).set }).toEqual({ m: '2' });
    expect(composeChangeSets(replace, merge)).toMatchObject({ replace: true, delete: [] });
  });

  it('a field deleted and then set again is set, not deleted', () => {
    const composed = composeChangeSets(
      { replace: false, set: {}, delete: ['a', 'b'] },
      { replace: false, set: { a: '1' }, delete: [] },
    );
    expect({ ...composed.set }).toEqual({ a: '1' });
    expect(composed.delete).toEqual(['b']);
  });
});
