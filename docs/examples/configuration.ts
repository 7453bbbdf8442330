// docs/configuration.md: client options, per-request options, missing key.
import assert from 'node:assert/strict';
import { firstValueFrom } from 'rxjs';
import { ConfigError, createClient, type RetryEvent } from '../../lib';
import { runIfMain, type ExampleEnv } from './example-env';

export const main = async ({ baseURL, apiKey, log }: ExampleEnv): Promise<void> => {
  const retries: RetryEvent[] = [];
  const client = createClient({
    apiKey, // default: env VITABLE_CONNECT_API_KEY
    baseURL, // beats `environment`; default: env VITABLE_CONNECT_BASE_URL, else production
    timeoutMs: 10_000, // per attempt
    maxRetries: 3, // after the first attempt
    defaultHeaders: { 'X-Team': 'benefits-ops' },
    logLevel: 'off', // or 'error' | 'warn' | 'info' | 'debug' (env VITABLE_CONNECT_LOG); never prints the key
    onRetry: (event) => retries.push(event),
  });
  log(`client sends to ${client.baseURL}`);
  assert.equal(client.baseURL, baseURL);

  // per-request options: the last argument of every endpoint
  const controller = new AbortController();
  const group = await firstValueFrom(
    client.groups.create(
      { name: 'Configured', external_reference_id: 'configuration_example' },
      {
        timeoutMs: 5_000,
        maxRetries: 0,
        idempotencyKey: 'configuration-example-create',
        signal: controller.signal,
      },
    ),
  );
  log(`created ${group.id} with a fixed Idempotency-Key`);

  // the same key again replays the first answer: nothing is created twice
  const again = await firstValueFrom(
    client.groups.create(
      { name: 'Configured', external_reference_id: 'configuration_example' },
      { idempotencyKey: 'configuration-example-create' },
    ),
  );
  assert.equal(again.id, group.id);

  // a missing key fails at once, naming the environment variable
  const saved = process.env['VITABLE_CONNECT_API_KEY'];
  delete process.env['VITABLE_CONNECT_API_KEY'];
  try {
    assert.throws(
      () => createClient({ baseURL }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /VITABLE_CONNECT_API_KEY/);
        log(`without a key: ${err.message}`);
        return true;
      },
    );
  } finally {
    if (saved !== undefined) process.env['VITABLE_CONNECT_API_KEY'] = saved;
  }
  assert.equal(retries.length, 0);
};

runIfMain('configuration', main);
