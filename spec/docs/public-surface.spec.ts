import { expect } from 'chai';
import { join } from 'node:path';
import ts from 'typescript';

const LIB = join(__dirname, '..', '..', 'lib');

/** Each name an entry point exports, with whether its declaration is marked `@internal`. */
const ENTRIES = [join(LIB, 'index.ts'), join(LIB, 'emulator', 'index.ts')];
let shared: ts.Program | undefined;
/** One program for both entry points, made once (type-checking the library takes seconds). */
const programOf = (): ts.Program =>
  (shared ??= ts.createProgram(ENTRIES, {
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  }));

const exportsOf = (entry: string): ReadonlyArray<{ name: string; internal: boolean }> => {
  const program = programOf();
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`${entry} not found`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${entry} is not a module`);
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const target =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const internal = (target.declarations ?? []).some((d) =>
      ts.getJSDocTags(d).some((tag) => tag.tagName.text === 'internal'),
    );
    return { name: exported.name, internal };
  });
};

// API.md, Package: "Nothing marked internal is exported."
describe('the public surface', function () {
  this.timeout(30_000);
  before(function () {
    this.timeout(120_000); // the one program of both entry points, type-checked once
    programOf().getTypeChecker();
  });

  for (const entry of ['index.ts', join('emulator', 'index.ts')]) {
    it(`lib/${entry} exports nothing marked @internal`, () => {
      const names = exportsOf(join(LIB, entry));
      expect(names, 'it exports something').not.to.be.empty;
      expect(names.filter((e) => e.internal).map((e) => e.name)).to.deep.equal([]);
    });
  }

  it('the root exports neither toIssues nor apiErrorFor (their inputs are internal)', () => {
    const names = exportsOf(join(LIB, 'index.ts')).map((e) => e.name);
    expect(names).to.include.members(['createClient', 'Group', 'toEither', 'ValidationError']);
    expect(names).not.to.include('toIssues');
    expect(names).not.to.include('apiErrorFor');
  });
});
