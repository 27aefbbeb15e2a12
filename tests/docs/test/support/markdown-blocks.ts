/**
 * The fenced TypeScript blocks of a Markdown page, and how each is exercised: by the
 * `<!-- doc-test: ... -->` markers written before it, or, for pages that carry no markers (the core
 * README), by heuristics. See the README of this package for the marker syntax.
 */

/** A fenced code block of a Markdown page. */
export interface CodeBlock {
  /** The page, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's info string, lower-cased (`ts`, `sh`, ...). */
  readonly lang: string;
  readonly code: string;
  /** The `doc-test:` markers between the previous block and this one, without the `doc-test:`. */
  readonly markers: readonly string[];
}

/** A request of a test, and what its response must be. */
export interface HttpStep {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: { readonly type: 'json' | 'form'; readonly text: string };
  readonly expect: Expectation;
  /** Where the step comes from, for messages. */
  readonly source: string;
}

export interface Expectation {
  /** The exact status, or undefined: any status below {@link maxStatus}. */
  readonly status?: number;
  /** When no exact status is given, the status must be below this (default 300). */
  readonly maxStatus?: number;
  /** The `Location` header (3xx). */
  readonly location?: string;
  /** Header name (lower case) and text its value must contain (for `set-cookie`, any of its lines). */
  readonly headerContains: readonly (readonly [name: string, text: string])[];
  /** A JSON value the body must match (objects: the listed properties, recursively). */
  readonly json?: unknown;
  /** Text the body must contain. */
  readonly text?: string;
  /** The whole body, trimmed. */
  readonly exactText?: string;
}

/** Whether a block needs a Redis server: `required` blocks are skipped without one. */
export type RedisUse = 'none' | 'required' | 'optional';

export type BlockPlan =
  | { readonly kind: 'skip'; readonly reason: string }
  | {
      readonly kind: 'server';
      readonly code: string;
      readonly steps: readonly HttpStep[];
      readonly env: Readonly<Record<string, string>>;
      readonly redis: RedisUse;
      /** Text the server's output must contain once the steps ran. */
      readonly output?: string;
    }
  | {
      readonly kind: 'script';
      readonly code: string;
      readonly env: Readonly<Record<string, string>>;
      readonly redis: RedisUse;
      readonly exitCode: number;
      readonly output?: string;
    };

const MARKER = /<!--\s*doc-test:\s*([\s\S]*?)\s*-->/g;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const TYPESCRIPT = new Set(['ts', 'typescript']);

/** The fenced blocks of `markdown`, each with the markers written since the previous block. */
export function extractBlocks(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let prose: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index]!);
    if (!open) {
      prose.push(lines[index]!);
      continue;
    }
    const [, indent = '', fence = '```', lang = ''] = open;
    const body: string[] = [];
    let end = index + 1;
    for (; end < lines.length; end++) {
      const line = lines[end]!;
      if (line.trim().startsWith(fence[0]!.repeat(fence.length)) && line.trim().replace(/[`~]/g, '') === '') {
        break;
      }
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line);
    }
    blocks.push({
      file,
      line: index + 1,
      lang: lang.toLowerCase(),
      code: `${body.join('\n')}\n`,
      markers: [...prose.join('\n').matchAll(MARKER)].map((match) => match[1]!.trim()),
    });
    prose = [];
    index = end;
  }
  for (const block of blocks) {
    if (block.markers.length > 0 && !TYPESCRIPT.has(block.lang)) {
      throw new Error(
        `${block.file}:${block.line}: doc-test markers stand before a \`${block.lang || 'plain'}\` block; only ts blocks run.`,
      );
    }
  }
  return blocks;
}

/** The TypeScript blocks of a page, each with the block after it (for the curl heuristic). */
export function typescriptBlocks(blocks: readonly CodeBlock[]): { block: CodeBlock; next?: CodeBlock }[] {
  return blocks.flatMap((block, index) =>
    TYPESCRIPT.has(block.lang) ? [{ block, ...(blocks[index + 1] && { next: blocks[index + 1] }) }] : [],
  );
}

/** A port a block listens on, written as a literal: `.listen(7148)`, `listen({ port: 7148 })`, `port: 7148`. */
const LITERAL_PORT = /(\.listen\(\s*|\bport:\s*)(\d{2,5})\b/g;

/** Whether the block starts a server (it listens on a port, literal or from `PORT`). */
export function listens(code: string): boolean {
  return /\.listen\(|\bserve\(/.test(code);
}

/** The block with every literal port it listens on replaced by `port`. */
export function withPort(code: string, port: number): string {
  return code.replace(LITERAL_PORT, (_match, before: string) => `${before}${port}`);
}

/** How to exercise `block`; `next` is the block after it on the page. */
export function planBlock(block: CodeBlock, next?: CodeBlock): BlockPlan {
  const where = `${block.file}:${block.line}`;
  const env: Record<string, string> = {};
  const steps: HttpStep[] = [];
  let redis: RedisUse = 'none';
  let exitCode = 0;
  let output: string | undefined;

  for (const marker of block.markers) {
    const skip = /^skip\b\s*(?:\((.*)\)|(.*))$/s.exec(marker);
    if (skip) return { kind: 'skip', reason: (skip[1] ?? skip[2] ?? '').trim() || 'marked skip' };
    if (marker === 'needs redis') redis = 'required';
    else if (marker === 'redis if available') redis = 'optional';
    else if (marker.startsWith('env ')) Object.assign(env, parseEnv(marker.slice(4), where));
    else if (marker.startsWith('exits ')) {
      const exits = /^exits\s+(\d+)(?:\s+"(.*)")?$/.exec(marker);
      if (!exits) throw new Error(`${where}: cannot read the marker "${marker}".`);
      exitCode = Number(exits[1]);
      output = exits[2];
    } else if (marker.startsWith('output ')) {
      const text = /^output\s+"(.*)"$/.exec(marker);
      if (!text) throw new Error(`${where}: cannot read the marker "${marker}".`);
      output = text[1];
    } else if (marker.startsWith('http ')) steps.push(parseHttpStep(marker, where));
    else throw new Error(`${where}: unknown doc-test marker "${marker}".`);
  }

  if (block.markers.length === 0) {
    const relative = /from\s+'(\.{1,2}\/[^']*)'/.exec(block.code);
    if (relative) {
      return { kind: 'skip', reason: `imports ${relative[1]}, a module of the reader's own project` };
    }
    if (!/^\s*import\s/m.test(block.code)) {
      return { kind: 'skip', reason: 'a fragment without imports (declarations), not a program' };
    }
    if (/connect-redis|backend:\s*'redis'|from 'ioredis'/.test(block.code)) redis = 'required';
  }

  if (listens(block.code)) {
    const heuristic = steps.length === 0 ? heuristicSteps(block, next) : [];
    return {
      kind: 'server',
      code: block.code,
      steps: [...steps, ...heuristic],
      env,
      redis,
      ...(output !== undefined && { output }),
    };
  }
  if (steps.length > 0)
    throw new Error(`${where}: http markers stand before a block that listens on no port.`);
  return { kind: 'script', code: block.code, env, redis, exitCode, ...(output !== undefined && { output }) };
}

function parseEnv(text: string, where: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of text.trim().split(/\s+/)) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new Error(`${where}: "${pair}" in an env marker is not NAME=value.`);
    env[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return env;
}

/**
 * `http METHOD /path [Header: value]... [json {...} | form a=b&c=d] -> [STATUS] [/location]
 * [header~"text"]... [{json} | [json] | "text"]`
 */
export function parseHttpStep(marker: string, where: string): HttpStep {
  const source = `${where} (${marker})`;
  const match = /^http\s+([A-Z]+)\s+(\S+)\s*(.*?)\s*->\s*(.*)$/s.exec(marker);
  if (!match) throw new Error(`${where}: cannot read the marker "${marker}".`);
  const [, method = 'GET', path = '/', request = '', expectation = ''] = match;

  const headers: Record<string, string> = {};
  let rest = request;
  for (let header = /^\[([^:\]]+):\s*([^\]]*)\]\s*/.exec(rest); header; ) {
    headers[header[1]!.trim().toLowerCase()] = header[2]!.trim();
    rest = rest.slice(header[0].length);
    header = /^\[([^:\]]+):\s*([^\]]*)\]\s*/.exec(rest);
  }
  let body: HttpStep['body'];
  const payload = /^(json|form)\s+(.+)$/s.exec(rest);
  if (payload) body = { type: payload[1] as 'json' | 'form', text: payload[2]!.trim() };
  else if (rest !== '') throw new Error(`${where}: cannot read "${rest}" in "${marker}".`);
  if (body?.type === 'json') JSON.parse(body.text); // fails the page early on a typo

  return {
    method,
    path,
    headers,
    ...(body && { body }),
    expect: parseExpectation(expectation, where, marker),
    source,
  };
}

function parseExpectation(text: string, where: string, marker: string): Expectation {
  let rest = text.trim();
  const take = (pattern: RegExp): RegExpExecArray | null => {
    const found = pattern.exec(rest);
    if (found) rest = rest.slice(found[0].length).trimStart();
    return found;
  };
  const status = take(/^(\d{3})\b/);
  const location = status ? take(/^(\/\S*)/) : null;
  const headerContains: [string, string][] = [];
  for (let header = take(/^([\w-]+)~"([^"]*)"/); header; header = take(/^([\w-]+)~"([^"]*)"/)) {
    headerContains.push([header[1]!.toLowerCase(), header[2]!]);
  }
  let json: unknown;
  let textBody: string | undefined;
  if (rest.startsWith('{') || rest.startsWith('[')) {
    json = JSON.parse(rest);
    rest = '';
  } else if (rest.startsWith('"') && rest.endsWith('"')) {
    textBody = rest.slice(1, -1);
    rest = '';
  }
  if (rest !== '') throw new Error(`${where}: cannot read "${rest}" in the expectation of "${marker}".`);
  return {
    ...(status && { status: Number(status[1]) }),
    ...(location && { location: location[1]! }),
    headerContains,
    ...(json !== undefined && { json }),
    ...(textBody !== undefined && { text: textBody }),
  };
}

/**
 * Steps for a server block without http markers: the `$ curl` lines of the shell block that follows
 * (each response must be the output printed under it), else a GET of each `app.get('/path', ...)`
 * route, else a GET of `/`; without an exact status, any status below 400 passes.
 */
export function heuristicSteps(block: CodeBlock, next?: CodeBlock): HttpStep[] {
  const source = `${block.file}:${block.line} (heuristic)`;
  if (next && ['sh', 'bash', 'console', 'shell'].includes(next.lang)) {
    const curls = curlSteps(next.code, source);
    if (curls.length > 0) return curls;
  }
  const routes = [...block.code.matchAll(/\.get\(\s*'(\/[^']*)'/g)].map((route) => route[1]!);
  const paths = routes.length > 0 ? [...new Set(routes)] : ['/'];
  return paths.map((path) => ({
    method: 'GET',
    path,
    headers: {},
    expect: { maxStatus: 400, headerContains: [] },
    source,
  }));
}

/** `$ curl ... http://localhost:PORT/path` lines of a shell transcript, with the output printed after each. */
function curlSteps(transcript: string, source: string): HttpStep[] {
  const steps: HttpStep[] = [];
  const lines = transcript.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const command = /^\$\s*curl\b(.*)$/.exec(lines[index]!.trim());
    if (!command) continue;
    const url = /https?:\/\/(?:localhost|127\.0\.0\.1)(?::\d+)?(\/\S*)?/.exec(command[1]!);
    if (!url) continue;
    const method = /-X\s*([A-Z]+)/.exec(command[1]!)?.[1] ?? 'GET';
    const printed: string[] = [];
    while (index + 1 < lines.length && !lines[index + 1]!.trim().startsWith('$'))
      printed.push(lines[++index]!);
    const exactText = printed.join('\n').trim();
    steps.push({
      method,
      path: url[1] ?? '/',
      headers: {},
      expect: { maxStatus: 400, headerContains: [], ...(exactText !== '' && { exactText }) },
      source,
    });
  }
  return steps;
}
