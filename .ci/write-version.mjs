#!/usr/bin/env node
// Writes lib/http/version.ts from package.json, so the version in `User-Agent`
// is a literal fixed at build time: the client reads no file at run time and
// bundlers keep it. `npm version` runs this (package.json "version" script);
// with --check (the build's first step) it only fails when the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const target = join(root, 'lib', 'http', 'version.ts');

const source = `// Generated from package.json by .ci/write-version.mjs (run by \`npm version\`;
// the build fails when it is stale). Do not edit by hand.

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The package version, fixed at build time from its \`package.json\`.
 *
 * @example
 * // internal (lib/http/version.ts), not part of the package root
 * VERSION; // '${version}'
 *
 * @internal
 */
export const VERSION = '${version}';

/**
 * The \`User-Agent\` every request carries: \`${name}/<version>\`.
 *
 * @internal
 */
export const USER_AGENT = \`${name}/\${VERSION}\`;
`;

let current = '';
try {
  current = readFileSync(target, 'utf8');
} catch {
  // not written yet
}
if (current === source) process.exit(0);
if (process.argv.includes('--check')) {
  console.error(
    `lib/http/version.ts does not match package.json (${name}@${version}): run node .ci/write-version.mjs`,
  );
  process.exit(1);
}
writeFileSync(target, source);
console.log(`lib/http/version.ts: ${name}@${version}`);
