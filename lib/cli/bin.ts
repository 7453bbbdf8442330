#!/usr/bin/env node
// The `vitable-connect` executable: runs main, then exits with its status.
// Set VITABLE_CONNECT_REPORT_RSS=1 to print the process's peak resident set
// size (as the OS counts it) to standard error at exit.
import { main } from './main';

const finish = (status: number): void => {
  if (process.env['VITABLE_CONNECT_REPORT_RSS'] === '1')
    process.stderr.write(`peak-rss-kb: ${process.resourceUsage().maxRSS}\n`);
  // let pending writes to pipes drain, then leave even if a keep-alive socket lingers
  process.stdout.write('', () => process.exit(status));
};

main(process.argv.slice(2)).then(finish, (err: unknown) => {
  process.stderr.write(
    `error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  finish(1);
});
