#!/usr/bin/env node
// `npm run build` (and `prepack`): emits dist/cjs (CommonJS) and dist/esm (ES
// modules), each with its .d.ts, from lib/ with tsc, file for file, so that
// bundlers drop whole unused modules (`sideEffects: false`).
//
// Both outputs come from tsc itself (no second compiler to drift from the type
// checker). The ES build is emitted with `module: ES2022` and then tsc-alias
// gives every relative import its full file name (`./errors` ->
// `./errors.js`, `./codecs` -> `./codecs/index.js`), as Node ESM and
// `nodenext` require, and .ci/fp-ts-replacer.cjs points fp-ts directory
// imports at their files. A package.json marker in each output folder tells
// Node and TypeScript which module format its .js and .d.ts files are (and
// bundlers that its modules have no side effects).
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = (script, ...args) =>
  execFileSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });

const tsc = require.resolve('typescript/bin/tsc');
const tscAlias = join(
  dirname(require.resolve('tsc-alias/package.json')),
  'dist',
  'bin',
  'index.js',
);

rmSync(join(root, 'dist'), { recursive: true, force: true });
run(join(root, '.ci', 'write-version.mjs'), '--check');
run(tsc, '-p', 'tsconfig.build.json');
run(tsc, '-p', 'tsconfig.esm.json');
run(tscAlias, '-p', 'tsconfig.esm.json');
// bundlers read `sideEffects` from the nearest package.json, so the markers repeat it
for (const [dir, type] of [
  ['cjs', 'commonjs'],
  ['esm', 'module'],
])
  writeFileSync(
    join(root, 'dist', dir, 'package.json'),
    `${JSON.stringify({ type, sideEffects: false }, null, 2)}\n`,
  );
