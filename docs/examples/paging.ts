// docs/paging.md: one page, or every item lazily.
import assert from 'node:assert/strict';
import { firstValueFrom, lastValueFrom, range, concatMap, take, toArray } from 'rxjs';
import { createClient } from '../../lib';
import { runIfMain, type ExampleEnv } from './example-env';

export const main = async ({ baseURL, apiKey, log }: ExampleEnv): Promise<void> => {
  const client = createClient({ apiKey, baseURL });
  const before = (await firstValueFrom(client.groups.list({ limit: 1 }))).pagination.total;
  await lastValueFrom(
    range(0, 25).pipe(
      concatMap((i) =>
        client.groups.create({ name: `Paged ${i}`, external_reference_id: `paging_${i}` }),
      ),
      toArray(),
    ),
  );
  const total = before + 25;

  // one page: data + pagination
  const page = await firstValueFrom(client.groups.list({ page: 2, limit: 10 }));
  log(
    `page ${page.pagination.page}/${page.pagination.total_pages}: ${page.data.length} of ${page.pagination.total}`,
  );
  assert.equal(page.pagination.total, total);
  assert.equal(page.data.length, 10);

  // every group, page after page, in order
  const all = await lastValueFrom(client.groups.listAll({ limit: 10 }).pipe(toArray()));
  assert.equal(all.length, total);

  // lazy: take(3) with limit 2 fetches the pages it needs (plus `prefetch` ahead)
  const firstThree = await lastValueFrom(
    client.groups.listAll({ limit: 2, prefetch: 0 }).pipe(take(3), toArray()),
  );
  log(`first three: ${firstThree.map((g) => g.name).join(', ')}`);
  assert.deepEqual(
    firstThree.map((g) => g.id),
    all.slice(0, 3).map((g) => g.id),
  );
};

runIfMain('paging', main);
