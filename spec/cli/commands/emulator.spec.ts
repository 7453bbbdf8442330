import { expect } from 'chai';
import { lastValueFrom } from 'rxjs';
import { createClient } from '../../../lib/client';
import { buildCli, spawnCli } from '../cli-harness';

// The `emulator` command, run as a child process serving a loopback port.
describe('vitable-connect emulator (child process)', function () {
  this.timeout(30_000);

  before(async function () {
    this.timeout(60_000);
    await buildCli();
  });

  describe('emulator', () => {
    it('serves the API on the port it prints until SIGTERM, then exits 0', async () => {
      const child = await spawnCli(['emulator', '--port', '0', '--processing-delay-ms', '5']);
      try {
        let out = '';
        const url = await new Promise<string>((resolve, reject) => {
          child.stdout!.setEncoding('utf8').on('data', (s: string) => {
            out += s;
            const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
            if (m) resolve(m[1]!);
          });
          child.on('exit', (code) =>
            reject(new Error(`emulator exited early with ${code}: ${out}`)),
          );
        });
        const key = /API key:\s+(\S+)/.exec(out)![1]!;
        const external = createClient({ apiKey: key, baseURL: url });
        const group = await lastValueFrom(
          external.groups.create({ name: 'E', external_reference_id: 'e' }),
        );
        expect(await lastValueFrom(external.groups.retrieve(group.id))).to.deep.equal(group);
        const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
        child.kill('SIGTERM');
        expect(await exited).to.equal(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  });
});
