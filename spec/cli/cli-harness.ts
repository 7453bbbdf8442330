// Runs the real `vitable-connect` executable as a child process.
//
// Starting ts-node in every child costs seconds on a busy machine, so the
// sources under lib/ are transpiled once per test run (the same
// TypeScript compiler in transpile-only mode, as ts-node would) into
// node_modules/.cache/, from where the children start in a fraction of that.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, 'node_modules', '.cache', 'vitable-connect-rx-cli-spec');

let built: Promise<string> | undefined;

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });

const transpileAll = (): string => {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    esModuleInterop: true,
    resolveJsonModule: true,
    sourceMap: false,
  };
  for (const file of sources(join(ROOT, 'lib'))) {
    const out = join(OUT, relative(ROOT, file)).replace(/\.ts$/, '.js');
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: options,
      fileName: file,
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  // lib/http/version.ts reads the package.json two levels above itself
  copyFileSync(join(ROOT, 'package.json'), join(OUT, 'package.json'));
  return join(OUT, 'lib', 'cli', 'bin.js');
};

/** Transpiles lib/ once per test run; resolves with the path of the executable. */
export const buildCli = (): Promise<string> => (built ??= Promise.resolve().then(transpileAll));

/** What a finished child process left behind. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident set size in kB, when the run asked for it (VITABLE_CONNECT_REPORT_RSS=1). */
  readonly peakRssKb: number | undefined;
}

/** Options of one run. */
export interface RunOptions {
  /** Environment of the child, on top of a minimal one (PATH, HOME); no VITABLE_CONNECT_* is inherited. */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the child's standard input, which is then closed. */
  readonly input?: string;
  /** Kill the child after this long (default 20 s). */
  readonly timeoutMs?: number;
  /** Working directory (default the repository). */
  readonly cwd?: string;
}

/** Runs `vitable-connect <args>` and resolves when it exits. */
export const runCli = async (
  args: ReadonlyArray<string>,
  options: RunOptions = {},
): Promise<CliRun> => {
  const bin = await buildCli();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      const rss = /peak-rss-kb: (\d+)/.exec(stderr);
      resolve({ status, stdout, stderr, peakRssKb: rss ? Number(rss[1]) : undefined });
    });
    child.stdin.on('error', () => undefined); // the child may exit before reading everything
    child.stdin.end(options.input ?? '');
  });
};

/** Lines of `--json` output, parsed. */
export const jsonLines = (stdout: string): Array<Record<string, unknown>> =>
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Starts `vitable-connect <args>` and leaves it running (for the long-lived `emulator` command, or to signal it). */
export const spawnCli = async (
  args: ReadonlyArray<string>,
  options: Pick<RunOptions, 'env' | 'cwd'> = {},
) => {
  const bin = await buildCli();
  return spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
};

/** The path of the transpiled executable (after {@link buildCli}). */
export const cliPath = (): Promise<string> => buildCli();
