import { Command, Option } from 'commander';
import { lastValueFrom } from 'rxjs';
import type { Group } from '../../codecs';
import { CliError, ExitCode } from '../cli-error';
import type { CliContext, GlobalOptions } from '../cli-context';
import type { CliOutput } from '../cli-io';
import { integerIn } from '../option-parsers';

const COLUMNS = ['id', 'name', 'external_reference_id', 'created_at'] as const;
const WIDTHS = [26, 28, 28, 24] as const;

const row = (cells: ReadonlyArray<string>): string =>
  cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(WIDTHS[i] ?? 0))).join('  ');

const groupRow = (g: Group): string =>
  row([g.id, g.name, g.external_reference_id, g.created_at ?? '-']);

const headerRow = (): string => row(COLUMNS.map((c) => c.toUpperCase()));

const printGroup = (out: CliOutput, group: Group, json: boolean | undefined): void => {
  if (json) {
    out.write(`${JSON.stringify(group)}\n`);
    return;
  }
  const keys = Object.keys(group) as Array<keyof Group>;
  const width = Math.max(...keys.map((k) => k.length));
  for (const k of keys) out.write(`${k.padEnd(width)}  ${group[k] ?? '-'}\n`);
};

interface ListOptions {
  readonly all?: boolean;
  readonly page?: number;
  readonly limit?: number;
  readonly json?: boolean;
}

/**
 * The line under a page of groups: `page 2 of 3 (7 groups, 3 per page)`;
 * `no groups` for an empty organization, and `no groups on page 5 (…)` past
 * the last page.
 *
 * @internal
 * @example
 * pageSummary({ page: 1, limit: 20, total: 0, total_pages: 0 }); // 'no groups'
 */
export const pageSummary = (p: {
  readonly page: number;
  readonly limit: number;
  readonly total: number;
  readonly total_pages: number;
}): string => {
  if (p.total === 0) return 'no groups';
  const groups = `${p.total} ${p.total === 1 ? 'group' : 'groups'}, ${p.limit} per page`;
  if (p.page > p.total_pages)
    return `no groups on page ${p.page} (${p.total_pages} ${p.total_pages === 1 ? 'page' : 'pages'}: ${groups})`;
  return `page ${p.page} of ${p.total_pages} (${groups})`;
};

/**
 * `vitable-connect groups list|create|get|update`: the group endpoints from the
 * terminal. Tables by default; `--json` prints the API's JSON (`list --all
 * --json`: one group per line, streamed page by page).
 *
 * @internal
 * @example
 * // $ vitable-connect groups list --all
 * // $ vitable-connect groups create --name "Tier 1" --external-reference-id seg_1 --json
 * // $ vitable-connect groups get grp_abc123
 * // $ vitable-connect groups update grp_abc123 --name "Tier 1 (renamed)"
 */
export const groupsCommand = (ctx: CliContext): Command => {
  const { io } = ctx;
  const groups = new Command('groups').description('list, create, read and rename groups');

  groups
    .command('list')
    .description('list groups: one page (--page, --limit), or every group (--all)')
    .option('--all', 'every group, page after page (streamed)')
    .addOption(
      new Option('--page <n>', 'page number (default 1)').argParser(integerIn(1)).conflicts('all'),
    )
    .addOption(new Option('--limit <n>', 'groups per page, 1 to 100').argParser(integerIn(1, 100)))
    .option('--json', 'print JSON (a page object, or with --all one group per line)')
    .action(async (opts: ListOptions, cmd: Command) => {
      const client = ctx.client(cmd.optsWithGlobals<GlobalOptions>());
      if (opts.all) {
        let count = 0;
        await client.groups
          .listAll(opts.limit !== undefined ? { limit: opts.limit } : {})
          .forEach((g) => {
            if (count++ === 0 && !opts.json) io.stdout.write(`${headerRow()}\n`);
            io.stdout.write(opts.json ? `${JSON.stringify(g)}\n` : `${groupRow(g)}\n`);
          });
        if (!opts.json)
          io.stdout.write(
            count === 0 ? 'no groups\n' : `${count} ${count === 1 ? 'group' : 'groups'}\n`,
          );
        return;
      }
      const page = await lastValueFrom(
        client.groups.list({
          ...(opts.page !== undefined ? { page: opts.page } : {}),
          ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
        }),
      );
      if (opts.json) {
        io.stdout.write(`${JSON.stringify(page)}\n`);
        return;
      }
      if (page.data.length > 0) {
        io.stdout.write(`${headerRow()}\n`);
        for (const g of page.data) io.stdout.write(`${groupRow(g)}\n`);
      }
      io.stdout.write(`${pageSummary(page.pagination)}\n`);
    });

  groups
    .command('create')
    .description('create a group')
    .requiredOption('--name <name>', 'human-readable name')
    .requiredOption('--external-reference-id <id>', "the group's id in your own system")
    .option('--json', 'print the group as JSON')
    .action(
      async (opts: { name: string; externalReferenceId: string; json?: boolean }, cmd: Command) => {
        const client = ctx.client(cmd.optsWithGlobals<GlobalOptions>());
        const group = await lastValueFrom(
          client.groups.create({
            name: opts.name,
            external_reference_id: opts.externalReferenceId,
          }),
        );
        printGroup(io.stdout, group, opts.json);
      },
    );

  groups
    .command('get')
    .description('show one group')
    .argument('<id>', 'group id (grp_…)')
    .option('--json', 'print the group as JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const client = ctx.client(cmd.optsWithGlobals<GlobalOptions>());
      printGroup(io.stdout, await lastValueFrom(client.groups.retrieve(id)), opts.json);
    });

  groups
    .command('update')
    .description("change a group's name or external reference id")
    .argument('<id>', 'group id (grp_…)')
    .option('--name <name>', 'new name')
    .option('--external-reference-id <id>', 'new external reference id')
    .option('--json', 'print the group as JSON')
    .action(
      async (
        id: string,
        opts: { name?: string; externalReferenceId?: string; json?: boolean },
        cmd: Command,
      ) => {
        if (opts.name === undefined && opts.externalReferenceId === undefined)
          throw new CliError(
            'nothing to update: pass --name and/or --external-reference-id',
            ExitCode.Usage,
          );
        const client = ctx.client(cmd.optsWithGlobals<GlobalOptions>());
        const group = await lastValueFrom(
          client.groups.update(id, {
            ...(opts.name !== undefined ? { name: opts.name } : {}),
            ...(opts.externalReferenceId !== undefined
              ? { external_reference_id: opts.externalReferenceId }
              : {}),
          }),
        );
        printGroup(io.stdout, group, opts.json);
      },
    );

  return groups;
};
