import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../lib/emulator';
import type { Example } from '../../docs/examples/example-env';

const DOCS = join(__dirname, '..', '..', 'docs');
const EXAMPLES = join(DOCS, 'examples');

/** Each guide and the runnable example it is built on. */
const GUIDES: ReadonlyArray<readonly [guide: string, example: string]> = [
  ['quick-start.md', 'quick-start.ts'],
  ['configuration.md', 'configuration.ts'],
  ['errors.md', 'errors.ts'],
  ['retries.md', 'retries.ts'],
  ['paging.md', 'paging.ts'],
  ['roster-sync.md', 'roster-sync.ts'],
  ['emulator.md', 'emulator.ts'],
  ['cli.md', 'cli.ts'],
  ['functional-style.md', 'functional-style.ts'],
  ['resuming.md', 'custom-journal.ts'],
];

// The repository-wide `tsc` (npm test's typecheck) compiles docs/examples; here
// each example runs against an emulator and its own assertions must hold.
describe('docs/examples', function () {
  this.timeout(20_000);
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({ processingDelayMs: 20 });
  });
  after(() => emulator.stop());

  it('has one example per guide, and nothing else', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts') && f !== 'example-env.ts');
    expect(files).to.have.members(GUIDES.map(([, example]) => example));
  });

  it('docs/README.md links every guide', () => {
    const index = readFileSync(join(DOCS, 'README.md'), 'utf8');
    for (const [guide] of GUIDES) expect(index, guide).to.contain(`(${guide})`);
  });

  for (const [guide, example] of GUIDES) {
    it(`${example} (the example of ${guide}) runs against the emulator and its assertions hold`, async () => {
      // roster-sync.md and emulator.md embed their own snippets; docs/README.md links these examples
      const text = readFileSync(
        join(DOCS, guide === 'roster-sync.md' || guide === 'emulator.md' ? 'README.md' : guide),
        'utf8',
      );
      expect(text, `${guide} names its example`).to.contain(`examples/${example}`);
      const mod = (await import(join(EXAMPLES, example))) as { main?: Example };
      expect(mod.main, `${example} exports main`).to.be.a('function');
      const lines: string[] = [];
      await mod.main!({
        baseURL: emulator.url,
        apiKey: emulator.apiKey,
        log: (l) => lines.push(l),
      });
      expect(lines, 'it shows something').not.to.be.empty;
    });
  }
});
