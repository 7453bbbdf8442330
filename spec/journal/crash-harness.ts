// Child processes for the crash specs: the emulator in its own process (with its counters over
// IPC), and a sync that can be killed with SIGKILL when it has printed a given number of lines.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import type { EmulatorStats } from '../../lib/emulator';
import { buildCli } from '../cli/cli-harness';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = ['spec/journal/fixtures/emulator-child.ts', 'spec/journal/fixtures/sync-child.ts', 'spec/helpers/roster.ts'];

let built: Promise<string> | undefined;

/** Transpiles lib/ (with the CLI's harness) and the fixtures next to it; resolves with the output root. */
export const buildFixtures = (): Promise<string> =>
  (built ??= buildCli().then((bin) => {
    const out = join(dirname(bin), '..', '..');
    for (const file of FIXTURES) {
      const { outputText } = ts.transpileModule(readFileSync(join(ROOT, file), 'utf8'), {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
        fileName: file,
      });
      const target = join(out, relative(ROOT, join(ROOT, file))).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
    }
    return out;
  }));

/** The emulator's process. */
export interface EmulatorProcess {
  readonly url: string;
  readonly apiKey: string;
  readonly planIds: ReadonlyArray<string>;
  stats(): Promise<EmulatorStats>;
  members(groupId: string): Promise<string[]>;
  stop(): void;
}

/** Starts the emulator in a process of its own. */
export const emulatorProcess = async (options: Record<string, unknown>): Promise<EmulatorProcess> => {
  const root = await buildFixtures();
  const child = fork(join(root, 'spec/journal/fixtures/emulator-child.js'), [JSON.stringify(options)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, (v: unknown) => void>();
  const ready = await new Promise<{ url: string; apiKey: string; planIds: string[] }>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: { ready?: { url: string; apiKey: string; planIds: string[] }; id?: number; result?: unknown }) => {
      if (m.ready) resolve(m.ready);
      else if (m.id !== undefined) waiting.get(m.id)?.(m.result);
    });
  });
  const ask = <A>(cmd: string, groupId?: string): Promise<A> =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, (v) => {
        waiting.delete(id);
        resolve(v as A);
      });
      child.send({ id, cmd, groupId });
    });
  return {
    ...ready,
    stats: () => ask<EmulatorStats>('stats'),
    members: (groupId) => ask<string[]>('members', groupId),
    stop: () => {
      child.disconnect();
    },
  };
};

/** How a child run ended: its stdout lines (parsed), and whether it was killed. */
export interface ChildRun {
  readonly lines: ReadonlyArray<Record<string, unknown>>;
  readonly killed: boolean;
  readonly status: number | null;
  readonly stderr: string;
}

/**
 * Runs `node <script> ...args` and kills it with SIGKILL (or `signal`) once
 * `killAfter` lines of stdout satisfy `counts` (never, when `killAfter` is
 * undefined).
 */
export const runChild = (
  script: string,
  args: ReadonlyArray<string>,
  options: {
    readonly killAfter?: number;
    /** The signal sent at `killAfter` (default SIGKILL). */
    readonly signal?: NodeJS.Signals;
    readonly counts?: (line: Record<string, unknown>) => boolean;
    readonly env?: Readonly<Record<string, string>>;
    readonly cwd?: string;
  } = {},
): Promise<ChildRun> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    let buffered = '';
    let stderr = '';
    let seen = 0;
    let killed = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const text = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (text.trim() === '' || (killed && (options.signal ?? 'SIGKILL') === 'SIGKILL')) continue;
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (!killed && options.killAfter !== undefined && (options.counts?.(line) ?? true) && ++seen >= options.killAfter) {
          killed = true;
          child.kill(options.signal ?? 'SIGKILL');
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ lines, killed, status, stderr });
    });
  });
