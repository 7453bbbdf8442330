#!/usr/bin/env node
// `npm run check:package`: packs the tarball (prepack builds it), installs it
// into a temporary consumer project beside its own rxjs (another 7.x minor
// than ours), fp-ts and io-ts, and fails on the first problem:
//
//   - `npm pack` ships the built code, LICENSE and README, and no source map
//     without its sources;
//   - publint and @arethetypeswrong/cli find nothing wrong in the tarball;
//   - the consumer has ONE rxjs (the peer is not nested under the package);
//   - CommonJS `require` of `.` and `./emulator` works, and loads none of the
//     CLI's helpers;
//   - native ESM `import` of `.` and `./emulator` works, against the emulator,
//     with the consumer's Observable class;
//   - a strict TypeScript app (`skipLibCheck: false`) using the operators with
//     the consumer's rxjs type-checks clean under `nodenext`, `bundler` and
//     `node10` resolution, with our TypeScript and with the oldest we support;
//   - an esbuild ES module bundle of an app runs, talks to the emulator, and
//     sends `User-Agent: vitable-connect-rx/<version>` to a loopback server;
//   - an app importing only the errors bundles, minified, under 20 KB;
//   - the `vitable-connect` executable of the tarball runs.
//
// Offline-capable: npm installs with --prefer-offline from its cache. Set
// KEEP_PACKAGE_CHECK=1 to keep the temporary folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The consumer's rxjs: a different 7.x minor than the package's own dev copy. */
const CONSUMER_RXJS = '7.5.7';
const ERRORS_ONLY_LIMIT = 20 * 1024;
/** README, Requirements: "TypeScript 5.0 or later". */
const OLDEST_TYPESCRIPT = '5.0.4';

const work = mkdtempSync(join(tmpdir(), 'vitable-package-check-'));
const app = join(work, 'app');
const started = Date.now();
let failures = 0;

const step = (name, fn) => {
  const t0 = Date.now();
  try {
    const note = fn();
    console.log(`ok   ${name}${note ? `: ${note}` : ''} (${Date.now() - t0} ms)`);
  } catch (err) {
    failures++;
    console.log(`FAIL ${name}`);
    console.log(String(err?.stdout ?? '') + String(err?.stderr ?? '') || String(err?.stack ?? err));
  }
};

const sh = (cmd, args, cwd = app, env = {}) =>
  execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
const node = (args, cwd = app) => sh(process.execPath, args, cwd);
const bin = (name, file) => join(root, 'node_modules', name, file);
const write = (file, text) => {
  mkdirSync(dirname(join(app, file)), { recursive: true });
  writeFileSync(join(app, file), text);
};
const assert = (ok, message) => {
  if (!ok) throw new Error(message);
};

// -------------------------------------------------------------------------------------
// the tarball
// -------------------------------------------------------------------------------------

let tarball = '';
step('npm pack (prepack builds dist/)', () => {
  const [info] = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', work], root));
  tarball = join(work, info.filename);
  const files = info.files.map((f) => f.path);
  for (const required of [
    'LICENSE',
    'README.md',
    'package.json',
    'dist/cjs/index.js',
    'dist/cjs/index.d.ts',
    'dist/esm/index.js',
    'dist/esm/index.d.ts',
    'dist/cjs/emulator/index.js',
    'dist/esm/emulator/index.js',
    'dist/cjs/cli/bin.js',
  ])
    assert(files.includes(required), `the tarball has no ${required}`);
  for (const map of files.filter((f) => f.endsWith('.map'))) {
    const m = JSON.parse(readFileSync(join(root, map), 'utf8'));
    assert(
      Array.isArray(m.sourcesContent) && m.sourcesContent.length === m.sources.length,
      `${map} points at sources it does not carry`,
    );
  }
  return `${info.entryCount} files, ${info.size} B packed, ${info.unpackedSize} B unpacked`;
});
if (!tarball) process.exit(1);

step('publint', () => {
  const out = node([bin('publint', 'src/cli.js'), 'run', tarball, '--strict'], root);
  // it exits non-zero on an error (on a warning too, with --strict); a suggestion fails here
  assert(!/Errors:|Warnings:|Suggestions:/.test(out), out);
  return 'no problems';
});

step('@arethetypeswrong/cli', () => {
  node([bin('@arethetypeswrong/cli', 'dist/index.js'), tarball, '--format', 'ascii'], root);
  return 'no problems (node10, node16 CJS and ESM, bundler)';
});

// -------------------------------------------------------------------------------------
// a consumer project
// -------------------------------------------------------------------------------------

step(`npm install the tarball beside rxjs@${CONSUMER_RXJS}, fp-ts, io-ts`, () => {
  write(
    'package.json',
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  sh('npm', [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    tarball,
    `rxjs@${CONSUMER_RXJS}`,
    `fp-ts@${pkg.devDependencies['fp-ts']}`,
    `io-ts@${pkg.devDependencies['io-ts']}`,
    `@types/node@${pkg.devDependencies['@types/node']}`,
  ]);
  const installed = join(app, 'node_modules', 'vitable-connect-rx');
  for (const peer of ['rxjs', 'fp-ts', 'io-ts'])
    assert(
      !existsSync(join(installed, 'node_modules', peer)),
      `a second ${peer} is nested under the package`,
    );
  const rxjs = JSON.parse(readFileSync(join(app, 'node_modules/rxjs/package.json'), 'utf8'));
  assert(rxjs.version === CONSUMER_RXJS, `the app got rxjs ${rxjs.version}`);
  return `one rxjs (${rxjs.version}), one fp-ts, one io-ts`;
});

step('CommonJS require of . and ./emulator', () => {
  write(
    'require.cjs',
    `const assert = require('node:assert/strict');
const root = require('vitable-connect-rx');
const emulator = require('vitable-connect-rx/emulator');
assert.equal(typeof root.createClient, 'function');
assert.equal(typeof root.toEither, 'function');
assert.equal(typeof emulator.startEmulator, 'function');
assert.ok(new root.ValidationError('x', []) instanceof root.VitableError);
const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](commander|cli-progress|csv-parse)[\\\\/]/.test(f));
assert.deepEqual(loaded, [], 'the CLI helpers load with the library');
assert.ok(!('toIssues' in root), 'toIssues is exported');
console.log(Object.keys(root).length);
`,
  );
  return `${node(['require.cjs']).trim()} names, no CLI helper loaded`;
});

step('native ESM import of . and ./emulator, against the emulator', () => {
  write(
    'import.mjs',
    `import assert from 'node:assert/strict';
import { Observable, firstValueFrom, toArray } from 'rxjs';
import { createClient, toEither } from 'vitable-connect-rx';
import { startEmulator } from 'vitable-connect-rx/emulator';
import { isRight } from 'fp-ts/lib/Either.js';

const emulator = await startEmulator();
try {
  const client = createClient({ baseURL: emulator.url, apiKey: emulator.apiKey });
  const created = client.groups.create({ name: 'ESM', external_reference_id: 'esm_1' });
  assert.ok(created instanceof Observable, "the library's Observable is not the app's");
  const group = await firstValueFrom(created);
  const all = await firstValueFrom(client.groups.listAll().pipe(toEither(), toArray()));
  assert.ok(all.every(isRight));
  assert.ok(all.some((e) => e.right.id === group.id));
} finally {
  await emulator.stop();
}
`,
  );
  node(['import.mjs']);
  return "the app's Observable, a group created and listed";
});

// -------------------------------------------------------------------------------------
// TypeScript
// -------------------------------------------------------------------------------------

const TS_APP = `import { firstValueFrom, from, lastValueFrom, take, toArray, type Observable } from 'rxjs';
import * as E from 'fp-ts/lib/Either.js';
import {
  createClient,
  pollUntilComplete,
  syncRoster,
  toEither,
  toSyncBatches,
  Group,
  MemberInput,
  VitableError,
  type SyncEvent,
  type SyncReport,
  type VitableConnect,
} from 'vitable-connect-rx';
import { startEmulator, type Emulator } from 'vitable-connect-rx/emulator';

export const firstGroups = (client: VitableConnect): Observable<E.Either<VitableError, Group>> =>
  client.groups.listAll({ limit: 10 }).pipe(take(3), toEither());

export const batches = (members: ReadonlyArray<MemberInput>): Observable<MemberInput[]> =>
  from(members).pipe(toSyncBatches({ maxMembers: 2 }));

export const report = async (client: VitableConnect, groupId: string): Promise<SyncReport> => {
  const events: SyncEvent[] = await lastValueFrom(syncRoster(client, groupId, []).pipe(toArray()));
  const done = events.find((e): e is Extract<SyncEvent, { type: 'done' }> => e.type === 'done');
  if (!done) throw new Error('no report');
  return done.report;
};

export const polled = (client: VitableConnect) =>
  client.members.sync
    .submit('grp_1', { members: [] })
    .pipe(pollUntilComplete(client, { initialDelayMs: 10 }));

export const run = async (): Promise<string> => {
  const emulator: Emulator = await startEmulator();
  const client = createClient({ baseURL: emulator.url, apiKey: emulator.apiKey });
  const group: Group = await firstValueFrom(client.groups.create({ name: 'TS', external_reference_id: 'ts_1' }));
  const decoded = Group.decode(group);
  await emulator.stop();
  return E.isRight(decoded) ? decoded.right.name : 'invalid';
};
`;

const checkTypes = (resolution, extra, tsc = require.resolve('typescript/bin/tsc')) => {
  const config = `tsconfig.${resolution}.json`;
  write(
    config,
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022'],
          types: ['node'],
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          noEmit: true,
          ...extra,
        },
        files: ['app.ts'],
      },
      null,
      2,
    ),
  );
  node([tsc, '-p', config]);
};

step('TypeScript app (strict, skipLibCheck: false), its own rxjs, nodenext', () => {
  write('app.ts', TS_APP);
  checkTypes('nodenext', { module: 'nodenext', moduleResolution: 'nodenext' });
  return `clean with rxjs ${CONSUMER_RXJS}`;
});
step('TypeScript app, bundler resolution', () => {
  checkTypes('bundler', { module: 'esnext', moduleResolution: 'bundler' });
  return 'clean';
});
step('TypeScript app, node10 resolution (typesVersions for ./emulator)', () => {
  checkTypes('node10', { module: 'commonjs', moduleResolution: 'node10' });
  return 'clean';
});

step(
  `TypeScript app under the oldest TypeScript the README promises (${OLDEST_TYPESCRIPT})`,
  () => {
    sh('npm', [
      'install',
      '--no-save',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `typescript@${OLDEST_TYPESCRIPT}`,
    ]);
    const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    checkTypes('nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }, tsc);
    checkTypes('bundler', { module: 'esnext', moduleResolution: 'bundler' }, tsc);
    return 'clean under nodenext and bundler';
  },
);

// -------------------------------------------------------------------------------------
// bundles
// -------------------------------------------------------------------------------------

const esbuild = require('esbuild');
const bundle = (entry, outfile, extra = {}) =>
  esbuild.buildSync({
    entryPoints: [join(app, entry)],
    outfile: join(app, outfile),
    absWorkingDir: app,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    metafile: true,
    ...extra,
  });

step('esbuild ES module bundle runs and sends the real version in User-Agent', () => {
  write(
    'bundle-app.mjs',
    `import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { firstValueFrom } from 'rxjs';
import { createClient } from 'vitable-connect-rx';
import { startEmulator } from 'vitable-connect-rx/emulator';

const seen = [];
const server = createServer((req, res) => {
  seen.push(req.headers['user-agent']);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ data: [], pagination: { page: 1, limit: 20, total: 0, total_pages: 0 } }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
try {
  const { port } = server.address();
  const page = await firstValueFrom(
    createClient({ baseURL: 'http://127.0.0.1:' + port, apiKey: 'k' }).groups.list(),
  );
  assert.equal(page.data.length, 0);
} finally {
  server.close();
}
const emulator = await startEmulator();
try {
  const client = createClient({ baseURL: emulator.url, apiKey: emulator.apiKey });
  const group = await firstValueFrom(client.groups.create({ name: 'Bundled', external_reference_id: 'bundled_1' }));
  assert.equal((await firstValueFrom(client.groups.retrieve(group.id))).name, 'Bundled');
} finally {
  await emulator.stop();
}
console.log(seen.join(','));
`,
  );
  // axios's own CommonJS helpers (form-data, ...) call require(): esbuild's
  // documented banner gives an ES module bundle for Node a require
  const result = bundle('bundle-app.mjs', 'out/bundle-app.mjs', {
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  const ours = Object.entries(result.metafile.inputs).filter(([f]) =>
    f.includes('node_modules/vitable-connect-rx/'),
  );
  assert(ours.length > 0, 'the bundle has none of the package');
  for (const [file, input] of ours)
    assert(
      input.format === 'esm' && file.includes('/dist/esm/'),
      `esbuild bundled ${file} as ${input.format}`,
    );
  const agent = node([join('out', 'bundle-app.mjs')]).trim();
  assert(
    agent === `${pkg.name}/${pkg.version}`,
    `User-Agent was "${agent}", not ${pkg.name}/${pkg.version}`,
  );
  return agent;
});

step(`an errors-only app bundles (minified) under ${ERRORS_ONLY_LIMIT / 1024} KB`, () => {
  write(
    'errors-only.mjs',
    `import { ValidationError } from 'vitable-connect-rx';
console.log(new ValidationError('bad input', [{ path: 'x', message: 'is required' }]).message);
`,
  );
  const result = bundle('errors-only.mjs', 'out/errors-only.mjs', { minify: true });
  const bytes = Object.values(result.metafile.outputs)[0].bytes;
  assert(bytes < ERRORS_ONLY_LIMIT, `the errors-only bundle is ${bytes} B`);
  assert(/bad input/.test(node([join('out', 'errors-only.mjs')])), 'the errors-only app fails');
  return `${bytes} B`;
});

step('the vitable-connect executable runs', () => {
  const out = node([join('node_modules', '.bin', 'vitable-connect'), '--version']).trim();
  assert(out.includes(pkg.version), `vitable-connect --version printed "${out}"`);
  return out;
});

// -------------------------------------------------------------------------------------
// summary
// -------------------------------------------------------------------------------------

if (process.env.KEEP_PACKAGE_CHECK === '1') console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  failures === 0
    ? `check:package: all checks passed in ${seconds} s`
    : `check:package: ${failures} check(s) failed in ${seconds} s`,
);
process.exit(failures === 0 ? 0 : 1);
