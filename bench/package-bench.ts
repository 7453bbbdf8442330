/**
 * The package as users get it: the bundle size of a minimal client app and of
 * an app importing only the errors (target: under 20 KB minified, so
 * tree-shaking works), the packed and unpacked size of the tarball, and the
 * time `require` and `import` of the package root take.
 *
 * Reads the build in dist/ (`npm run bench` builds first). Apps are bundled
 * with esbuild (minified, ES module, for Node, every dependency included);
 * load times are measured in fresh Node processes, CommonJS and ES module
 * interleaved, each the time of the `require`/`import` alone.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { figure, fmt, rotate, say } from './harness';
import type { BenchMode, BenchResult, Figure } from './harness';
import { repoRoot } from './report';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const ERRORS_ONLY_LIMIT_BYTES = 20 * 1024;

interface BundleSize {
  /** The whole minified bundle. */
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The part of it that comes from this package's own modules. */
  readonly ownBytes: number;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const APPS = {
  client: `import { firstValueFrom } from 'rxjs';
import { createClient } from 'vitable-connect-rx';
const client = createClient({ apiKey: 'key', baseURL: 'http://127.0.0.1:1' });
firstValueFrom(client.groups.list({ limit: 10 })).then((page) => console.log(page.data.length), (err) => console.log(err._tag));
`,
  errorsOnly: `import { ValidationError } from 'vitable-connect-rx';
console.log(new ValidationError('bad input', [{ path: 'x', message: 'is required' }]).message);
`,
};

/** A consumer folder whose node_modules/vitable-connect-rx is the repository (its dist/). */
const consumer = (root: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitable-package-bench-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'vitable-connect-rx'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  for (const [name, source] of Object.entries(APPS))
    fs.writeFileSync(path.join(dir, `${name}.mjs`), source);
  return dir;
};

const bundleSize = async (
  dir: string,
  root: string,
  app: keyof typeof APPS,
): Promise<BundleSize> => {
  const result = await build({
    entryPoints: [path.join(dir, `${app}.mjs`)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    metafile: true,
    outfile: path.join(dir, 'out', `${app}.mjs`),
    nodePaths: [path.join(root, 'node_modules')],
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  const ownBytes = Object.entries(output.inputs)
    .filter(([file]) => file.includes('dist/esm/'))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  return {
    bytes: output.bytes,
    gzipBytes: gzipSync(result.outputFiles[0].contents).length,
    ownBytes,
  };
};

/** What is loaded: the package root, or only the packages it imports (rxjs, fp-ts, io-ts, axios). */
type Load = 'root' | 'dependencies';

const DEPENDENCIES = ['rxjs', 'fp-ts/lib/Either.js', 'io-ts', 'axios'];

/**
 * Milliseconds one fresh Node process takes to load `what`, by `require` or by
 * `import`: the root from the consumer folder `dir`, the dependencies from the
 * repository `root` (where they are installed, as the root finds them).
 */
const loadTimeMs = (dir: string, root: string, how: 'require' | 'import', what: Load): number => {
  const specifiers = what === 'root' ? ['vitable-connect-rx'] : DEPENDENCIES;
  const load = specifiers
    .map((s) => (how === 'require' ? `require('${s}');` : `await import('${s}');`))
    .join(' ');
  const script = `const t = performance.now(); ${load} console.log(performance.now() - t);`;
  const args = [how === 'require' ? '--input-type=commonjs' : '--input-type=module', '-e', script];
  const cwd = what === 'root' ? dir : root;
  return Number(execFileSync(process.execPath, args, { cwd, encoding: 'utf8' }).trim());
};

interface PackInfo {
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
}

const packInfo = (root: string): PackInfo => {
  // the build is fresh (npm run bench built it): no prepack, no tarball written
  const out = execFileSync('npm', ['pack', '--json', '--dry-run', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [info] = JSON.parse(out) as PackInfo[];
  return info;
};

const ratios = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number[] =>
  a.map((x, i) => x / (b[i] ?? Number.NaN));

const kb = (bytes: number): string => `${fmt(bytes / 1024)} KB`;

// -------------------------------------------------------------------------------------
// benchmark
// -------------------------------------------------------------------------------------

/** Measures the package's sizes and load times. */
export const runPackageBench = async (mode: BenchMode): Promise<BenchResult> => {
  const root = repoRoot();
  if (!fs.existsSync(path.join(root, 'dist', 'esm', 'index.js')))
    throw new Error('no dist/esm: run `npm run build` first');
  const dir = consumer(root);
  try {
    say('package: bundling the apps');
    const client = await bundleSize(dir, root, 'client');
    const errorsOnly = await bundleSize(dir, root, 'errorsOnly');
    say('package: npm pack --dry-run');
    const pack = packInfo(root);

    say(`package: load times, ${mode.runs} runs of each`);
    const variants = [
      ['require', 'root'],
      ['import', 'root'],
      ['require', 'dependencies'],
      ['import', 'dependencies'],
    ] as const;
    const times = new Map<string, number[]>(variants.map(([how, what]) => [`${how} ${what}`, []]));
    loadTimeMs(dir, root, 'require', 'root'); // warm the file system cache once
    for (let run = 0; run < mode.runs; run++)
      for (const [how, what] of rotate(variants, run))
        times.get(`${how} ${what}`)!.push(loadTimeMs(dir, root, how, what));
    const timesOf = (key: string): number[] => times.get(key) ?? [];

    const figures: Figure[] = [
      figure('minimal client app, minified bundle (all dependencies)', 'KB', [client.bytes / 1024]),
      figure('minimal client app, gzipped', 'KB', [client.gzipBytes / 1024]),
      figure('minimal client app, of which this package', 'KB', [client.ownBytes / 1024]),
      figure('errors-only app, minified bundle', 'KB', [errorsOnly.bytes / 1024]),
      figure('tarball, packed', 'KB', [pack.size / 1024]),
      figure('tarball, unpacked', 'KB', [pack.unpackedSize / 1024]),
      figure(
        "require('vitable-connect-rx') (CommonJS, fresh process)",
        'ms',
        timesOf('require root'),
      ),
      figure(
        "import('vitable-connect-rx') (ES module, fresh process)",
        'ms',
        timesOf('import root'),
      ),
      figure(
        'require of rxjs, fp-ts Either, io-ts and axios alone',
        'ms',
        timesOf('require dependencies'),
      ),
      figure(
        'import of rxjs, fp-ts Either, io-ts and axios alone',
        'ms',
        timesOf('import dependencies'),
      ),
      figure(
        'require: root / dependencies alone, per round',
        'x',
        ratios(timesOf('require root'), timesOf('require dependencies')),
      ),
      figure(
        'import: root / dependencies alone, per round',
        'x',
        ratios(timesOf('import root'), timesOf('import dependencies')),
      ),
    ];
    return {
      id: 'package',
      title: '7. Package: bundle sizes, tarball, load time',
      params: {
        bundler: 'esbuild, minified, ESM, platform node',
        'tarball files': pack.entryCount,
        'load-time runs': mode.runs,
      },
      figures,
      targets: [
        {
          description: `an app importing only ValidationError bundles under ${kb(ERRORS_ONLY_LIMIT_BYTES)} minified`,
          measured: kb(errorsOnly.bytes),
          met: errorsOnly.bytes < ERRORS_ONLY_LIMIT_BYTES,
        },
      ],
      notes: [
        'The client app bundles rxjs, fp-ts, io-ts and axios (with its own dependencies) too; ' +
          '"of which this package" counts only dist/esm modules.',
        'The tarball ships both builds with declarations and source maps that carry their sources.',
        'Load times include loading rxjs, fp-ts, io-ts and axios, which the root imports (their own lines: the same four alone, ' +
          'measured interleaved with the root); the CLI helpers are not loaded. Node loads an ES module graph slower than ' +
          'CommonJS, and rxjs, fp-ts and io-ts are CommonJS under Node, parsed once more for their export names when imported.',
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
