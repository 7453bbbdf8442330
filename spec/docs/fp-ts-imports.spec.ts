import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** `from 'fp-ts/Either'`: a directory import, which native ES modules refuse (fp-ts 2 has no exports map). */
const DIRECTORY_IMPORT = /from ['"]fp-ts\/(?!lib\/|es6\/)[A-Za-z]+['"]/;

const filesUnder = (dir: string, ext: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, ext);
    return name.endsWith(ext) ? [path] : [];
  });

/** Lines of documentation: every line of the guides and examples, the doc-comment lines of lib/. */
const documentation = (): Array<{ where: string; line: string }> => {
  const whole = [
    join(ROOT, 'README.md'),
    ...filesUnder(join(ROOT, 'docs'), '.md').filter((f) => !f.includes(`${join('docs', 'api')}`)),
    ...filesUnder(join(ROOT, 'docs', 'examples'), '.ts'),
  ];
  const comments = filesUnder(join(ROOT, 'lib'), '.ts');
  return [
    ...whole.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${relative(ROOT, file)}:${i + 1}`, line })),
    ),
    ...comments.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${relative(ROOT, file)}:${i + 1}`, line }))
        .filter(({ line }) => /^\s*\*/.test(line)),
    ),
  ];
};

// API.md, Package: the documented imports work natively in Node ESM.
describe('documented fp-ts imports', () => {
  it('import fp-ts modules by file (fp-ts/lib/Either.js), never by directory (fp-ts/Either)', () => {
    const lines = documentation();
    expect(lines.length, 'it reads the docs').to.be.greaterThan(1000);
    expect(
      lines.filter(({ line }) => DIRECTORY_IMPORT.test(line)).map((l) => l.where),
    ).to.deep.equal([]);
  });
});
