// docs/functional-style.md: Either instead of the error channel, with fp-ts.
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { firstValueFrom, forkJoin } from 'rxjs';
import {
  createClient,
  MemberInput,
  toEither,
  type Group,
  type VitableError,
} from '../../lib';
import { runIfMain, type ExampleEnv } from './example-env';

export const main = async ({ baseURL, apiKey, log }: ExampleEnv): Promise<void> => {
  const client = createClient({ apiKey, baseURL });
  const created = await firstValueFrom(
    client.groups.create({ name: 'Functional', external_reference_id: 'fp_1' }),
  );

  // toEither(): the error notification becomes a Left value, and the stream completes
  const results = await firstValueFrom(
    forkJoin([
      client.groups.retrieve(created.id).pipe(toEither()),
      client.groups.retrieve('grp_missing').pipe(toEither()),
    ]),
  );

  const describe = (r: E.Either<VitableError, Group>): string =>
    pipe(
      r,
      E.match(
        (err) => `failed: ${err._tag}`,
        (group) => `found: ${group.name}`,
      ),
    );
  const lines = results.map(describe);
  lines.forEach((l) => log(l));
  assert.deepEqual(lines, ['found: Functional', 'failed: NotFoundError']);

  // codecs decode to Either too: validate a member before it goes anywhere
  const member = MemberInput.decode({
    reference_id: 'EMP-9',
    first_name: 'Ada',
    last_name: 'Lovelace',
    date_of_birth: '1990-12-10',
    phone: '+1 (415) 555-0199',
    plan_id: 'pln_demo_basic',
    address: { address_line_1: '1 Main St', city: 'Austin', state: 'tx', zipcode: '78701' },
  });
  const phone = pipe(
    member,
    E.map((m) => m.phone), // decoding normalises: 10 digits
    E.getOrElse(() => 'invalid'),
  );
  log(`normalised phone: ${phone}`);
  assert.equal(phone, '4155550199');

  const bad = pipe(
    MemberInput.decode({ reference_id: 'EMP-10' }),
    E.mapLeft((errors) => errors.map((e) => e.context[e.context.length - 1]?.key)), // the failing fields
  );
  assert.ok(E.isLeft(bad) && bad.left.includes('date_of_birth'));
};

runIfMain(module, main);
