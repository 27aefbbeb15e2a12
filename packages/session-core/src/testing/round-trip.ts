import { strictEqual } from 'node:assert/strict';
import type { JsonValue } from '../session/json-value.js';
import { assertFields, createRecord, newKey, type SuiteContext } from './fixtures.js';

/** About 200 KB of JSON: a long cart plus a long text. */
const LARGE_VALUE: JsonValue = {
  items: Array.from({ length: 1500 }, (_, id) => ({
    id,
    name: `Product ${id} — ünïcødé 🛒`,
    quantity: id % 7,
    price: id * 1.25,
  })),
  notes: 'Lorem ipsum dolor sit amet. '.repeat(3000),
};

/** Every kind of JSON value, with the edges where stores tend to slip. */
const SAMPLES: ReadonlyArray<readonly [string, JsonValue]> = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['zero', 0],
  ['an empty string', ''],
  ['a negative integer', -42],
  ['a float that needs 17 digits', 0.1 + 0.2],
  ['a tiny negative float', -1.5e-7],
  ['the largest double', Number.MAX_VALUE],
  ['the largest safe integer', Number.MAX_SAFE_INTEGER],
  ['an empty array', []],
  ['an empty object', {}],
  [
    'nested arrays and objects',
    { a: [1, [2, [3, { b: null, c: [true, false] }]]], d: { e: { f: 'g', h: [] } } },
  ],
  [
    'unicode with emoji and astral characters',
    'Grüße · 日本語 · עברית · 🎉🛒👩‍👩‍👧 · 𝄞 𠜎 · é (e + combining accent)',
  ],
  [
    'escapes and control characters',
    'quote " backslash \\ newline \n tab \t nul \u0000 separator \u2028 end',
  ],
  ['a lone surrogate', '\ud83d'],
  ['a ~200 KB value', LARGE_VALUE],
];

const FIELD_NAMES = [
  'cart',
  'user.name',
  '$set',
  'with space',
  'colon:separated',
  '__flash:notice',
  'ünïcödé 🎉',
  'x'.repeat(64),
];

export function describeRoundTrip(context: SuiteContext): void {
  context.runner.describe('round trip', () => {
    for (const [label, value] of SAMPLES) {
      context.it(`${label}: read and backend give back the same JSON text`, async () => {
        const key = newKey();
        const text = JSON.stringify(value);
        await createRecord(context.store(), key, { value: text });
        strictEqual(
          (await context.backdoor.fields(key))?.value,
          text,
          'the backend holds the text as written',
        );
        const read = await context.store().read(key);
        strictEqual(read?.fields.value, text, 'read() returns the text as written');
      });
    }

    context.it('keeps every sample in one record', async () => {
      const key = newKey();
      const fields = Object.fromEntries(SAMPLES.map(([label, value]) => [label, JSON.stringify(value)]));
      await createRecord(context.store(), key, fields);
      assertFields(await context.backdoor.fields(key), fields, 'the backend holds');
      assertFields((await context.store().read(key))?.fields, fields, 'read() returns');
    });

    context.it('keeps field names with dots, dollars, spaces, colons and unicode', async () => {
      const key = newKey();
      const fields = Object.fromEntries(FIELD_NAMES.map((name, index) => [name, JSON.stringify(index)]));
      await createRecord(context.store(), key, fields);
      assertFields(await context.backdoor.fields(key), fields, 'the backend holds');
      assertFields((await context.store().read(key))?.fields, fields, 'read() returns');
    });
  });
}
