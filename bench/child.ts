/**
 * Starting bench processes: the separate emulator, and one-shot workers that
 * print a single JSON result line. Works both from the compiled bench
 * (`dist-bench/bench/*.js`) and under ts-node (`bench/*.ts`): the child runs
 * the sibling file with the same extension and the same `execArgv`.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { StoredMember } from '../lib/emulator';
import type { EmulatorCommand, EmulatorReady } from './emulator-process';

/**
 * Node flags for child processes: with `BENCH_CPU_PROF=<dir>` every child
 * (emulator, workers) writes a V8 CPU profile there (open it in Chrome DevTools).
 */
export const profileFlags = (): string[] =>
  process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];

/** The path of a sibling bench script, `.js` when compiled, `.ts` under ts-node. */
/**
 * This process's Node flags, less `-e`/`-p` and their script: a worker forked with them would run
 * that script again instead of its own file, and fork again (a driver started with `node -e`).
 */
const inheritedFlags = (): string[] => {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '-e' || flag === '--eval' || flag === '-p' || flag === '--print') i++;
    else if (!/^--(eval|print)=/.test(flag)) out.push(flag);
  }
  return out;
};

export const sibling = (name: string): string => path.join(__dirname, `${name}${path.extname(__filename)}`);

const firstLine = (child: ChildProcess, what: string): Promise<string> =>
  new Promise((resolve, reject) => {
    if (child.stdout === null) return reject(new Error(`${what}: no stdout`));
    const rl = readline.createInterface({ input: child.stdout });
    let done = false;
    rl.once('line', (line) => {
      done = true;
      resolve(line);
    });
    child.once('close', (code, signal) => {
      if (!done) reject(new Error(`${what} exited (code ${code}, signal ${signal}) before printing its result`));
    });
    child.once('error', reject);
  });

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A running emulator process. */
export interface EmulatorProcess extends EmulatorReady {
  setFaults(faults: Extract<EmulatorCommand, { cmd: 'setFaults' }>['faults']): Promise<void>;
  stats(): Promise<unknown>;
  memberCount(groupId: string): Promise<number>;
  /** The members a group holds (every one: a large answer for a large group). */
  members(groupId: string): Promise<ReadonlyArray<StoredMember>>;
  stop(): Promise<void>;
}

/** Forks `emulator-process` with `options` and waits until it listens. */
export const startEmulatorProcess = async (options: Record<string, unknown>): Promise<EmulatorProcess> => {
  const child = fork(sibling('emulator-process'), [JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    execArgv: [...inheritedFlags(), ...profileFlags()],
  });
  const ready = JSON.parse(await firstLine(child, 'emulator process')) as EmulatorReady;
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    if (p === undefined) return;
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.result);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const call = (command: WithoutId<EmulatorCommand>): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      child.send({ ...command, id });
    });
  let stopped = false;
  return {
    ...ready,
    setFaults: async (faults) => {
      await call({ cmd: 'setFaults', faults });
    },
    stats: () => call({ cmd: 'stats' }),
    memberCount: async (groupId) => Number(await call({ cmd: 'memberCount', groupId })),
    members: async (groupId) => (await call({ cmd: 'members', groupId })) as ReadonlyArray<StoredMember>,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.connected) {
        void call({ cmd: 'stop' }).catch(() => undefined);
        await exited;
      }
    },
  };
};

/**
 * Forks the sibling script `name` with `input` as a JSON argument and returns
 * the JSON it prints on its first stdout line. `execArgv` adds Node flags
 * (e.g. `--cpu-prof`).
 */
export const runWorker = async <R>(name: string, input: unknown, execArgv: ReadonlyArray<string> = []): Promise<R> => {
  const child = fork(sibling(name), [JSON.stringify(input)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    execArgv: [...inheritedFlags(), ...profileFlags(), ...execArgv],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await firstLine(child, name);
  const code = await exited;
  if (code !== 0) throw new Error(`${name} exited with code ${code}`);
  return JSON.parse(line) as R;
};
