#!/usr/bin/env node
// `npm run check:docs`: builds the API reference (`npm run docs`; typedoc.json
// treats every warning as an error) and checks that the page of each codec's
// type lists the type's fields: the types are interfaces derived from the
// codecs, not aliases of an expanded `t.TypeOf<...>`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

execFileSync(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc')], {
  cwd: root,
  stdio: 'inherit',
});

/** The field names of an io-ts codec: `t.type`/`t.partial` props, through `exact` and intersections. */
const fieldsOf = (codec) => {
  if (codec.props) return Object.keys(codec.props);
  if (codec.type) return fieldsOf(codec.type);
  if (codec.types) return codec.types.flatMap(fieldsOf);
  return [];
};

// the codecs themselves, from lib/ (as the suite loads them)
require('ts-node').register({ transpileOnly: true, project: join(root, 'tsconfig.json') });
const lib = require(join(root, 'lib', 'index.ts'));

/** Codecs with a hand-written decoder (no props to read): their fields as API.md names them. */
const DOCUMENTED_FIELDS = {
  MemberInput: [
    'reference_id',
    'first_name',
    'last_name',
    'date_of_birth',
    'phone',
    'plan_id',
    'address',
    'email',
  ],
};

let failures = 0;
for (const name of [
  'Group',
  'Pagination',
  'GroupPage',
  'SyncRequest',
  'SyncSubmission',
  'Address',
  'MemberInput',
]) {
  const page = join(root, 'docs', 'api', 'interfaces', `index.${name}.html`);
  const derived = fieldsOf(lib[name]);
  const fields = derived.length > 0 ? derived : (DOCUMENTED_FIELDS[name] ?? []);
  if (!existsSync(page)) {
    console.log(`FAIL ${name}: no interface page (docs/api/interfaces/index.${name}.html)`);
    failures++;
    continue;
  }
  const html = readFileSync(page, 'utf8');
  const missing = fields.filter((f) => !html.includes(`id="${f.toLowerCase()}"`));
  if (fields.length === 0 || missing.length > 0) {
    console.log(`FAIL ${name}: its page does not list ${missing.join(', ') || 'any field'}`);
    failures++;
  } else console.log(`ok   ${name}: its page lists ${fields.join(', ')}`);
}
console.log(failures === 0 ? 'check:docs: ok' : `check:docs: ${failures} type page(s) wrong`);
process.exit(failures === 0 ? 0 : 1);
