// docs/errors.md: one error model, by class or by `_tag`.
import assert from 'node:assert/strict';
import { firstValueFrom } from 'rxjs';
import {
  ApiError,
  createClient,
  NotFoundError,
  ValidationError,
  VitableError,
  type VitableErrorTag,
} from '../../lib';
import { runIfMain, type ExampleEnv } from './example-env';

/** What to tell a person, by `_tag`: an exhaustive switch over every error of the library. */
const advice = (tag: VitableErrorTag): string => {
  switch (tag) {
    case 'ConfigError':
      return 'fix the client options';
    case 'ValidationError':
      return 'fix the input: nothing was sent';
    case 'AuthenticationError':
    case 'PermissionDeniedError':
      return 'check the API key and the environment';
    case 'NotFoundError':
      return 'check the id (and that it belongs to your organization)';
    case 'BadRequestError':
    case 'UnprocessableEntityError':
    case 'ConflictError':
      return 'the server refused the request as sent';
    case 'RateLimitError':
    case 'InternalServerError':
    case 'ConnectionError':
    case 'TimeoutError':
      return 'transient: already retried; try again later';
    case 'ApiError':
      return 'an unexpected status';
    case 'AbortError':
      return 'you cancelled it';
    case 'DecodeError':
      return 'the server answered something unexpected';
    case 'PollTimeoutError':
      return 'resume polling later with its groupId and requestId';
    case 'JournalError':
      return 'the sync journal is corrupt or belongs to another sync: see the record it names';
    case 'VitableError':
      return 'something else went wrong';
  }
};

export const main = async ({ baseURL, apiKey, log }: ExampleEnv): Promise<void> => {
  const client = createClient({ apiKey, baseURL });

  // 1. the server's answer: ApiError subclasses carry status, body and request id
  const missing = await firstValueFrom(client.groups.retrieve('grp_does_not_exist')).catch(
    (e: unknown) => e,
  );
  assert.ok(missing instanceof NotFoundError);
  assert.ok(missing instanceof ApiError && missing instanceof VitableError);
  log(`${missing._tag}: status ${missing.status}, request id ${missing.requestId ?? '-'}`);
  log(`  message: ${missing.message}`);
  log(`  advice: ${advice(missing._tag)}`);
  assert.equal(missing.status, 404);
  assert.match(missing.requestId ?? '', /^req_/);

  // 2. bad input never leaves the machine: ValidationError lists every issue
  const invalid = await firstValueFrom(
    client.groups.create({ name: ' ', external_reference_id: '' }),
  ).catch((e: unknown) => e);
  assert.ok(invalid instanceof ValidationError);
  for (const issue of invalid.issues) log(`  ${issue.path}: ${issue.message}`);
  assert.deepEqual(
    invalid.issues.map((i) => i.path),
    ['name', 'external_reference_id'],
  );

  // 3. errors serialise without secrets: the API key is never in a message or JSON
  assert.ok(!JSON.stringify(missing).includes(apiKey));
};

runIfMain(module, main);
