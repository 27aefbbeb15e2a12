import { describe, expect, it } from '@jest/globals';
import {
  extractBlocks,
  parseHttpStep,
  planBlock,
  typescriptBlocks,
  withPort,
} from './support/markdown-blocks.js';

const page = [
  'Intro.',
  '',
  '<!-- doc-test: env TINA4_SESSION_TTL=60 -->',
  '<!-- doc-test: http GET /visit -> {"count":1} -->',
  '```ts',
  "import express from 'express';",
  'const app = express();',
  "app.get('/visit', (req, res) => res.json({ count: 1 }));",
  'app.listen(7148);',
  '```',
  '',
  '```sh',
  '$ curl http://localhost:7148/visit',
  '{"count":1}',
  '```',
  '',
  '<!-- doc-test: skip (a type declaration) -->',
  '```typescript',
  'interface A { a: string }',
  '```',
].join('\n');

describe('extractBlocks', () => {
  it('finds fenced blocks, their lines, languages and the markers written before them', () => {
    const blocks = extractBlocks('page.md', page);
    expect(blocks.map((block) => [block.line, block.lang, block.markers.length])).toEqual([
      [5, 'ts', 2],
      [12, 'sh', 0],
      [18, 'typescript', 1],
    ]);
    expect(blocks[0]!.code).toContain("app.get('/visit'");
    expect(typescriptBlocks(blocks).map(({ block, next }) => [block.line, next?.line])).toEqual([
      [5, 12],
      [18, undefined],
    ]);
  });

  it('refuses markers before a block that does not run', () => {
    expect(() => extractBlocks('page.md', '<!-- doc-test: skip (x) -->\n```sh\nls\n```\n')).toThrow(
      /page\.md:2: doc-test markers stand before a `sh` block/,
    );
  });
});

describe('planBlock', () => {
  const [server, , declaration] = extractBlocks('page.md', page);

  it('reads env and http markers', () => {
    const plan = planBlock(server!);
    expect(plan).toMatchObject({ kind: 'server', env: { TINA4_SESSION_TTL: '60' }, redis: 'none' });
    expect(
      plan.kind === 'server' && plan.steps.map((step) => [step.method, step.path, step.expect.json]),
    ).toEqual([['GET', '/visit', { count: 1 }]]);
  });

  it('skips with the reason given', () => {
    expect(planBlock(declaration!)).toEqual({ kind: 'skip', reason: 'a type declaration' });
  });

  it('without markers, takes the requests from the curl transcript that follows', () => {
    const [bare, transcript] = extractBlocks('page.md', page.replace(/<!--.*-->\n/g, ''));
    const plan = planBlock(bare!, transcript);
    expect(plan.kind === 'server' && plan.steps.map((step) => [step.path, step.expect.exactText])).toEqual([
      ['/visit', '{"count":1}'],
    ]);
  });

  it("without markers, skips fragments and blocks that import the reader's own files", () => {
    const [fragment, ownFiles] = extractBlocks(
      'page.md',
      "```ts\ninterface A {}\n```\n```ts\nimport { x } from '../src/x.js';\nx();\n```\n",
    );
    expect(planBlock(fragment!)).toMatchObject({ kind: 'skip', reason: expect.stringContaining('fragment') });
    expect(planBlock(ownFiles!)).toMatchObject({
      kind: 'skip',
      reason: expect.stringContaining('../src/x.js'),
    });
  });

  it('rejects unknown markers', () => {
    const [block] = extractBlocks('page.md', "<!-- doc-test: frobnicate -->\n```ts\nimport 'x';\n```\n");
    expect(() => planBlock(block!)).toThrow(/page\.md:2: unknown doc-test marker "frobnicate"/);
  });
});

describe('parseHttpStep', () => {
  it('reads headers, a form body and every kind of expectation', () => {
    const step = parseHttpStep(
      'http POST /login [X-Forwarded-Proto: https] form user=ann&password=secret -> 303 /account set-cookie~"sid=" set-cookie~"Secure"',
      'page.md:1',
    );
    expect(step).toMatchObject({
      method: 'POST',
      path: '/login',
      headers: { 'x-forwarded-proto': 'https' },
      body: { type: 'form', text: 'user=ann&password=secret' },
      expect: {
        status: 303,
        location: '/account',
        headerContains: [
          ['set-cookie', 'sid='],
          ['set-cookie', 'Secure'],
        ],
      },
    });
    expect(parseHttpStep('http GET / -> "Hello"', 'page.md:1').expect).toEqual({
      headerContains: [],
      text: 'Hello',
    });
  });

  it('fails on what it cannot read', () => {
    expect(() => parseHttpStep('http GET / -> 200 whatever', 'page.md:1')).toThrow(/cannot read "whatever"/);
    expect(() => parseHttpStep('http POST / json {oops} -> 200', 'page.md:1')).toThrow();
  });
});

describe('withPort', () => {
  it('replaces the literal ports a block listens on', () => {
    expect(
      withPort('app.listen(7148);\nawait app.listen({ port: 7148 });\nserve({ fetch, port: 7148 });', 4000),
    ).toBe('app.listen(4000);\nawait app.listen({ port: 4000 });\nserve({ fetch, port: 4000 });');
  });
});
