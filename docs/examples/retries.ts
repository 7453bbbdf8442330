// docs/retries.md: transient failures are retried, visibly; POSTs stay idempotent.
import assert from 'node:assert/strict';
import { firstValueFrom, lastValueFrom, range, mergeMap, toArray } from 'rxjs';
import { createClient, type RetryEvent } from '../../lib';
import { startEmulator } from '../../lib/emulator';
import { runIfMain, type ExampleEnv } from './example-env';

export const main = async ({ log }: ExampleEnv): Promise<void> => {
  // an emulator of our own that fails on purpose: seeded, so every run is the same
  const emulator = await startEmulator({
    processingDelayMs: 10,
    faults: { seed: 7, errorRate: 0.2, rateLimitRate: 0.1, retryAfterMs: 50 },
  });
  try {
    const retries: RetryEvent[] = [];
    const client = createClient({
      apiKey: emulator.apiKey,
      baseURL: emulator.url,
      maxRetries: 6,
      onRetry: (event) => retries.push(event),
    });

    const groups = await lastValueFrom(
      range(0, 20).pipe(
        mergeMap(
          (i) =>
            client.groups.create({ name: `Retried ${i}`, external_reference_id: `retry_${i}` }),
          4,
        ),
        toArray(),
      ),
    );
    log(`created ${groups.length} groups through ${retries.length} retries`);
    for (const r of retries.slice(0, 5))
      log(
        `  retry ${r.attempt} of ${r.method} ${r.path}: ${r.reason}, waited ${Math.round(r.delayMs)} ms`,
      );

    assert.equal(groups.length, 20);
    assert.ok(retries.length > 0, 'the faults should have caused retries');
    // every retried POST reused its Idempotency-Key: no group was created twice
    const all = await firstValueFrom(client.groups.list({ limit: 100 }));
    assert.equal(all.pagination.total, 20);
    // a 429's server-directed wait is honoured (retry-after-ms: 50)
    const rateLimited = retries.filter((r) => r.reason === 'status-429');
    assert.ok(rateLimited.every((r) => r.delayMs >= 50));
  } finally {
    await emulator.stop();
  }
};

runIfMain('retries', main);
