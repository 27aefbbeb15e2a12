import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CookieJar,
  freePort,
  killChildServers,
  stopChildServer,
  waitForExit,
  waitForPort,
} from '@tina4/test-http';
import {
  type BlockPlan,
  extractBlocks,
  planBlock,
  typescriptBlocks,
  withPort,
} from './support/markdown-blocks.js';
import {
  mismatch,
  PACKAGE_DIR,
  REPOSITORY_ROOT,
  runBlock,
  sendStep,
  writeBlock,
} from './support/run-block.js';

/** The pages whose ```ts blocks must run. The core README carries no markers: heuristics cover it. */
const PAGES = [
  'docs/coming-from-tina4.md',
  'docs/migrating-from-express-session.md',
  'packages/session-core/README.md',
];

const REDIS_URL = process.env.TINA4_TEST_REDIS_URL?.trim() || undefined;
const REDIS_REQUIRED = (process.env.TINA4_TEST_REQUIRE ?? '')
  .split(',')
  .some((name) => name.trim().toLowerCase() === 'redis');

let workDir: string;
beforeAll(async () => {
  // Inside this package, so that the blocks' imports resolve through its node_modules.
  workDir = await mkdtemp(join(PACKAGE_DIR, '.doc-blocks-'));
});
afterAll(async () => {
  await killChildServers(); // what a failed test left running
  await rm(workDir, { recursive: true, force: true });
});

for (const page of PAGES) {
  describe(page, () => {
    const blocks = typescriptBlocks(extractBlocks(page, readFileSync(join(REPOSITORY_ROOT, page), 'utf8')));

    it('has TypeScript blocks to run', () => {
      expect(blocks.length).toBeGreaterThan(0);
    });

    for (const { block, next } of blocks) {
      const plan = planBlock(block, next);
      const title = `line ${block.line}: ${describePlan(plan, block.code)}`;
      if (plan.kind === 'skip') {
        console.warn(`[docs-tests] ${page}:${block.line} is not run: ${plan.reason}.`);
        it.skip(`${title} (${plan.reason})`, () => {});
        continue;
      }
      if (plan.redis === 'required' && !REDIS_URL) {
        const reason = 'it needs Redis and TINA4_TEST_REDIS_URL is not set';
        if (REDIS_REQUIRED) {
          it(title, () => {
            throw new Error(`${page}:${block.line} must run (TINA4_TEST_REQUIRE lists redis) but ${reason}.`);
          });
        } else {
          console.warn(`[docs-tests] ${page}:${block.line} is not run: ${reason}.`);
          it.skip(`${title} (${reason})`, () => {});
        }
        continue;
      }
      if (plan.redis === 'optional' && !REDIS_URL) {
        console.warn(
          `[docs-tests] ${page}:${block.line} runs with the file store: TINA4_TEST_REDIS_URL is not set.`,
        );
      }
      it(title, async () => {
        await exercise(plan, join(workDir, `${page.replace(/[^\w]+/g, '-')}-${block.line}`));
      });
    }
  });
}

async function exercise(plan: Exclude<BlockPlan, { kind: 'skip' }>, dir: string): Promise<void> {
  const port = await freePort();
  const redisEnv: Record<string, string> = REDIS_URL
    ? plan.redis === 'required'
      ? { REDIS_URL, TINA4_SESSION_URL: REDIS_URL }
      : plan.redis === 'optional'
        ? { REDIS_URL, TINA4_SESSION_URL: REDIS_URL, TINA4_SESSION_BACKEND: 'redis' }
        : {}
    : {};
  const env = { PORT: String(port), ...redisEnv, ...plan.env };
  const file = await writeBlock(dir, plan.kind === 'server' ? withPort(plan.code, port) : plan.code);
  const running = runBlock(file, env);
  try {
    if (plan.kind === 'server') {
      await waitForPort(running, port);
      const jar = new CookieJar(`http://localhost:${port}`);
      for (const step of plan.steps) {
        const problem = await mismatch(await sendStep(jar, step), step.expect);
        if (problem !== undefined) {
          throw new Error(
            `${step.method} ${step.path}: ${problem}\nat ${step.source}\nOutput of the block:\n${running.output()}`,
          );
        }
      }
    } else {
      const code = await waitForExit(running, 30_000);
      if (code !== plan.exitCode) {
        throw new Error(
          `The block exited with ${code}, expected ${plan.exitCode}. Output:\n${running.output()}`,
        );
      }
    }
    if (plan.output !== undefined && !running.output().includes(plan.output)) {
      throw new Error(`The block's output lacks "${plan.output}". Output:\n${running.output()}`);
    }
  } finally {
    await stopChildServer(running);
  }
}

function describePlan(plan: BlockPlan, code: string): string {
  const firstLine = code.split('\n').find((line) => line.trim() !== '') ?? '';
  const comment = /^\s*\/\/\s*(.*)$/.exec(firstLine)?.[1];
  const what =
    comment ?? (plan.kind === 'server' ? 'a server' : plan.kind === 'script' ? 'a program' : 'a block');
  if (plan.kind === 'server') return `${what}: ${plan.steps.length} request(s)`;
  if (plan.kind === 'script') return `${what}: exits ${plan.exitCode}`;
  return what;
}
