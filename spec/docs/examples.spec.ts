import { expect } from 'chai';
import { build, type Plugin } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator, type Emulator } from '../../lib/emulator';
import type { Example } from '../../docs/examples/example-env';

const ROOT = join(__dirname, '..', '..');
const DOCS = join(ROOT, 'docs');
const EXAMPLES = join(DOCS, 'examples');
const LIB = join(ROOT, 'lib');
// inside the package, so the ES modules resolve rxjs, fp-ts, ... from its node_modules
const ESM_OUT = join(ROOT, 'node_modules', '.cache', 'docs-examples-esm');

/** Every runnable example: each file of docs/examples/ but the shared example-env.ts. */
const EXAMPLE_FILES = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.ts') && f !== 'example-env.ts')
  .sort();

/** Every guide of docs/ (docs/README.md links each one). */
const GUIDES = readdirSync(DOCS).filter(
  (f) => f.endsWith('.md') && f !== 'README.md' && f !== 'benchmarks.md',
);

const text = (file: string): string => readFileSync(join(DOCS, file), 'utf8');

/**
 * The ES module build writes fp-ts's directory imports as files
 * (.ci/fp-ts-replacer.cjs); the same here for lib/ only, so that what an
 * example itself imports is loaded exactly as written.
 */
const fpTsFilesInLib: Plugin = {
  name: 'fp-ts-files-in-lib',
  setup(b) {
    b.onResolve({ filter: /^fp-ts\/[A-Za-z]+$/ }, (args) =>
      args.importer.startsWith(LIB + sep)
        ? { path: args.path.replace(/^fp-ts\//, 'fp-ts/lib/') + '.js', external: true }
        : undefined,
    );
  },
};

/** Compiles an example (with lib/) into one native ES module, its packages left to Node to resolve. */
const esModuleOf = async (file: string): Promise<string> => {
  const outfile = join(ESM_OUT, file.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [join(EXAMPLES, file)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    plugins: [fpTsFilesInLib],
    logLevel: 'silent',
  });
  return outfile;
};

// TypeScript compiles `import()` to `require()` under CommonJS; this is the native one.
const nativeImport = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

const mainOf = (mod: unknown, file: string): Example => {
  const main = (mod as { main?: unknown }).main;
  expect(main, `${file} exports main`).to.be.a('function');
  return main as Example;
};

// The repository-wide `tsc` (npm test's typecheck) compiles docs/examples; here
// each example runs against an emulator, as CommonJS and as a native ES module,
// and its own assertions must hold.
describe('docs/examples', function () {
  this.timeout(20_000);
  let emulator: Emulator;

  before(async () => {
    rmSync(ESM_OUT, { recursive: true, force: true });
    mkdirSync(ESM_OUT, { recursive: true });
    emulator = await startEmulator({ processingDelayMs: 20 });
  });
  after(() => emulator.stop());

  const run = async (main: Example): Promise<void> => {
    const lines: string[] = [];
    await main({ baseURL: emulator.url, apiKey: emulator.apiKey, log: (l) => lines.push(l) });
    expect(lines, 'it shows something').not.to.be.empty;
  };

  it('finds the examples', () => {
    expect(EXAMPLE_FILES).to.include.members(['quick-start.ts', 'functional-style.ts']);
  });

  it('docs/README.md links every guide', () => {
    const index = text('README.md');
    for (const guide of GUIDES) expect(index, guide).to.contain(`(${guide})`);
  });

  for (const file of EXAMPLE_FILES) {
    describe(file, () => {
      it('is named by a guide or by docs/README.md', () => {
        const namedBy = [...GUIDES, 'README.md'].filter((g) =>
          text(g).includes(`examples/${file}`),
        );
        expect(namedBy, `no file of docs/ names examples/${file}`).not.to.be.empty;
      });

      it('runs as CommonJS against the emulator and its assertions hold', async () => {
        await run(mainOf(await import(join(EXAMPLES, file)), file));
      });

      it('runs as a native ES module against the emulator and its assertions hold', async () => {
        const outfile = await esModuleOf(file);
        await run(mainOf(await nativeImport(pathToFileURL(outfile).href), file));
      });
    });
  }
});
