import { expect } from 'chai';
import * as path from 'node:path';
import ts from 'typescript';
import * as root from '../../lib';
import * as codecs from '../../lib/codecs';

const CODECS = [
  'Group',
  'Pagination',
  'GroupPage',
  'GroupCreateParams',
  'GroupUpdateParams',
  'Address',
  'MemberInput',
  'SyncSubmission',
  'SyncResults',
  'SyncFailure',
  'SyncRequest',
] as const;

/** The type TypeScript shows for each `export const` of `source` (as a hover or a declaration would). */
const typesShown = (source: string): Record<string, string> => {
  const file = path.join(__dirname, '__named-types__.ts');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    path.resolve(name) === file ? ts.createSourceFile(name, source, version) : read(name, version, ...rest);
  const program = ts.createProgram([file], options, host);
  const checker = program.getTypeChecker();
  const out: Record<string, string> = {};
  for (const statement of program.getSourceFile(file)!.statements)
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations)
        out[d.name.getText()] = checker.typeToString(checker.getTypeAtLocation(d.name), undefined, ts.TypeFormatFlags.NoTruncation);
  return out;
};

describe('codecs (the package root)', () => {
  it('exports every codec of API.md by name, each a codec', () => {
    for (const name of CODECS) expect(typeof (root as Record<string, unknown>)[name], name).to.equal('object');
    for (const name of CODECS) expect((root as unknown as Record<string, { decode?: unknown }>)[name]!.decode, name).to.be.a('function');
  });

  it('does not export what is internal: toIssues and the codec machinery stay out of the root', () => {
    expect(codecs).to.have.property('toIssues'); // importable inside the library
    for (const name of ['toIssues', 'MemberInputStructure', 'memberInputFor', 'withFastPath', 'checkedFirst', 'envelope'])
      expect(root, name).to.not.have.property(name);
  });

  it('names each codec type, so hovers and declarations say Group, not an expanded object (type-level)', function () {
    this.timeout(30_000);
    const shown = typesShown(`
      import { createClient, Group, GroupPage, MemberInput, SyncRequest, Address } from '../../lib';
      const client = createClient({ apiKey: 'k' });
      export const retrieved = client.groups.retrieve('grp_1');
      export const listed = client.groups.list();
      export const polled = client.members.sync.retrieve('grp_1', 'grpmsr_1');
      export const group = Group.decode(null);
      export const page = GroupPage.decode(null);
      export const member = MemberInput.decode(null);
      export const address = Address.decode(null);
      export const request = SyncRequest.decode(null);
      export const memberAddress = (m: MemberInput) => m.address;
      export const pageData = (p: GroupPage) => p.data;
    `);
    expect(shown).to.deep.equal({
      client: 'VitableConnect',
      retrieved: 'Observable<Group>',
      listed: 'Observable<GroupPage>',
      polled: 'Observable<SyncRequest>',
      group: 'Validation<Group>',
      page: 'Validation<GroupPage>',
      member: 'Validation<MemberInput>',
      address: 'Validation<Address>',
      request: 'Validation<SyncRequest>',
      memberAddress: '(m: MemberInput) => Address',
      pageData: '(p: GroupPage) => Group[]',
    });
  });
});
