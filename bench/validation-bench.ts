/**
 * Benchmark 4: validation and batching alone, no network. Members come from a
 * generator, are decoded with the `MemberInput` codec (the check every member
 * passes before sending) and batched with `toSyncBatches`.
 */
import { isRight } from 'fp-ts/Either';
import { filter, from, map } from 'rxjs';
import { MemberInput, toSyncBatches } from '../lib';
import { expectedMember, validMembers } from './members';
import { figure, median, rotate, say, timeMs } from './harness';
import type { BenchMode, BenchResult } from './harness';

const PLANS = ['pln_bench_a', 'pln_bench_b', 'pln_bench_c'];
const MAX_MEMBERS = 1000;

const validateAndBatch = (count: number): Promise<number> =>
  new Promise((resolve, reject) => {
    let n = 0;
    from(validMembers(count, PLANS))
      .pipe(
        map((raw) => MemberInput.decode(raw)),
        filter(isRight),
        map((r) => r.right),
        toSyncBatches({ maxMembers: MAX_MEMBERS }),
      )
      .subscribe({ next: (batch) => (n += batch.length), error: reject, complete: () => resolve(n) });
  });

const validateOnly = (count: number): Promise<number> => {
  let n = 0;
  for (const raw of validMembers(count, PLANS)) if (isRight(MemberInput.decode(raw))) n++;
  return Promise.resolve(n);
};

function* decodedMembers(count: number): Generator<MemberInput> {
  for (let i = 0; i < count; i++) yield expectedMember(i, PLANS[i % PLANS.length]);
}

const batchOnly = (count: number): Promise<number> =>
  new Promise((resolve, reject) => {
    let n = 0;
    from(decodedMembers(count))
      .pipe(toSyncBatches({ maxMembers: MAX_MEMBERS }))
      .subscribe({ next: (batch) => (n += batch.length), error: reject, complete: () => resolve(n) });
  });

const generateOnly = (count: number): Promise<number> => {
  let n = 0;
  for (const raw of validMembers(count, PLANS)) if (raw.reference_id !== undefined) n++;
  return Promise.resolve(n);
};

/** Runs benchmark 4. */
export const runValidationBench = async (mode: BenchMode): Promise<BenchResult> => {
  const count = mode.quick ? 100_000 : 500_000;
  const variants = [
    { name: 'validation + batching', run: validateAndBatch },
    { name: 'validation alone', run: validateOnly },
    { name: 'batching alone (pre-normalised members)', run: batchOnly },
    { name: 'generating members alone (the floor)', run: generateOnly },
  ];
  const rates = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const problems: string[] = [];
  for (const v of variants) await v.run(Math.min(count, 50_000)); // warm-up
  say(`4. validation and batching of ${count.toLocaleString('en-US')} members, ${mode.runs} interleaved runs…`);
  for (let r = 0; r < mode.runs; r++) {
    for (const v of rotate(variants, r)) {
      let n = 0;
      const ms = await timeMs(async () => {
        n = await v.run(count);
      });
      if (n !== count) problems.push(`${v.name} run ${r + 1}: ${n} members out, expected ${count}`);
      rates.get(v.name)?.push(count / (ms / 1000));
    }
  }
  const main = median(rates.get('validation + batching') ?? []);
  return {
    id: 'validation-batching',
    title: '4. Validation and batching alone (no network)',
    params: { members: count, runs: mode.runs, maxMembers: MAX_MEMBERS, maxBytes: 'default (1,000,000)' },
    figures: variants.map((v) => figure(v.name, 'members/s', rates.get(v.name) ?? [])),
    targets: [
      {
        description: 'validation + batching at least 500,000 members/s',
        measured: `${Math.round(main).toLocaleString('en-US')} members/s`,
        met: main >= 500_000,
      },
    ],
    notes: [
      'Validation is `MemberInput.decode` (the codec every member passes before sending); members come from a generator, never an array.',
      'The extra lines split the time: generation alone is the floor, the others show which step costs what.',
      ...problems,
    ],
  };
};
