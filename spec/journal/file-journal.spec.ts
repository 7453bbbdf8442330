import { expect } from 'chai';
import { constants, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileJournal, JournalError } from '../../lib';
import type { JournalFileHandle, JournalFs } from '../../lib/journal/file-journal';

/** `open create|append [dsync]`: how the journal opened its file. */
const openedAs = (flags: string | number): string =>
  typeof flags === 'string'
    ? flags
    : `${flags & constants.O_CREAT ? 'create' : 'append'}${(constants.O_DSYNC ?? 0) !== 0 && flags & constants.O_DSYNC ? ' dsync' : ''}`;

/** True where writes are durable by the file's own flag (O_DSYNC): no datasync call follows them. */
const DSYNC = (constants.O_DSYNC ?? 0) !== 0;

/** The real file system, recording each call in order. */
const spyFs = (): { fs: JournalFs; calls: string[] } => {
  const calls: string[] = [];
  const fs: JournalFs = {
    readFile: (p) => fsp.readFile(p),
    truncate: async (p, n) => {
      calls.push(`truncate ${n}`);
      await fsp.truncate(p, n);
    },
    open: async (p, flags) => {
      const h = await fsp.open(p, flags);
      calls.push(`open ${openedAs(flags)}`);
      const handle: JournalFileHandle = {
        write: async (data) => {
          calls.push(`write ${Buffer.from(data).toString('utf8').split('\n').length - 1}`);
          return h.write(data);
        },
        datasync: async () => {
          await h.datasync();
          calls.push('datasync');
        },
        sync: async () => {
          await h.sync();
          calls.push('sync');
        },
        close: () => h.close(),
      };
      return handle;
    },
  };
  return { fs, calls };
};

describe('fileJournal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a missing file as an empty journal and creates nothing', async () => {
    const file = join(dir, 'none.journal');
    expect(await fileJournal(file).load()).to.deep.equal([]);
    expect(() => statSync(file)).to.throw();
  });

  it('appends one JSON line per record and loads them back in order', async () => {
    const file = join(dir, 'a.journal');
    const j = fileJournal(file);
    await j.append({ type: 'x', n: 1 });
    await j.append({ type: 'y', n: 2 });
    await j.close();
    expect(readFileSync(file, 'utf8')).to.equal('{"type":"x","n":1}\n{"type":"y","n":2}\n');
    expect(await fileJournal(file).load()).to.deep.equal([
      { type: 'x', n: 1 },
      { type: 'y', n: 2 },
    ]);
  });

  it('has the data on disk before append resolves: the file opened O_DSYNC, or a datasync after each write', async () => {
    const { fs, calls } = spyFs();
    const j = fileJournal(join(dir, 's.journal'), { fs });
    await j.append({ n: 1 });
    const durableWrite = DSYNC ? ['write 1'] : ['write 1', 'datasync'];
    expect(calls[0]).to.equal(DSYNC ? 'open create dsync' : 'open create');
    expect(calls.slice(-durableWrite.length)).to.deep.equal(durableWrite);
    const before = calls.length;
    let resolved = false;
    const p = j.append({ n: 2 }).then(() => {
      resolved = true;
      expect(calls.slice(before)).to.deep.equal(durableWrite);
    });
    expect(resolved).to.equal(false);
    await p;
    await j.close();
  });

  it('keeps the order of concurrent appends and writes them together, one sync for each round', async () => {
    const { fs, calls } = spyFs();
    const file = join(dir, 'c.journal');
    const j = fileJournal(file, { fs });
    await Promise.all(Array.from({ length: 50 }, (_, n) => j.append({ n })));
    await j.close();
    const loaded = await fileJournal(file).load();
    expect(loaded).to.deep.equal(Array.from({ length: 50 }, (_, n) => ({ n })));
    const writes = calls.filter((c) => c.startsWith('write'));
    const syncs = calls.filter((c) => c === 'datasync');
    expect(syncs.length).to.equal(DSYNC ? 0 : writes.length); // each write durable by the flag, or by its own sync
    expect(writes.length).to.be.at.most(2); // the first record alone, then the 49 that queued behind it
    expect(calls.filter((c) => /^open (create|append)/.test(c))).to.deep.equal([DSYNC ? 'open create dsync' : 'open create']); // one open file (and its directory, synced once)
  });

  it('ignores a torn last line and cuts it, so the next record starts a line of its own', async () => {
    const file = join(dir, 't.journal');
    writeFileSync(file, '{"n":1}\n{"n":2}\n{"n":3,"ty');
    const j = fileJournal(file);
    expect(await j.load()).to.deep.equal([{ n: 1 }, { n: 2 }]);
    await j.append({ n: 4 });
    await j.close();
    expect(readFileSync(file, 'utf8')).to.equal('{"n":1}\n{"n":2}\n{"n":4}\n');
  });

  it('ignores a last line that ends in a newline but is not JSON (a crash left garbage)', async () => {
    const file = join(dir, 'g.journal');
    writeFileSync(file, '{"n":1}\n\u0000\u0000\u0000\n');
    expect(await fileJournal(file).load()).to.deep.equal([{ n: 1 }]);
  });

  it('fails with a JournalError naming the line of a corrupt middle line', async () => {
    const file = join(dir, 'm.journal');
    writeFileSync(file, '{"n":1}\n{"n":2\n{"n":3}\n');
    const error = await fileJournal(file)
      .load()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(JournalError);
    expect((error as JournalError).record).to.equal(2);
    expect((error as JournalError).message).to.contain('line 2');
    expect(readFileSync(file, 'utf8'), 'a corrupt journal is left as it is').to.equal('{"n":1}\n{"n":2\n{"n":3}\n');
  });

  it('rejects an append whose record is not JSON, and writes nothing for it', async () => {
    const file = join(dir, 'n.journal');
    const j = fileJournal(file);
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    const error = await j.append(cyclic).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(JournalError);
    await j.append({ n: 1 });
    await j.close();
    expect(readFileSync(file, 'utf8')).to.equal('{"n":1}\n');
  });

  it('rejects the appends of a round whose write fails, with a JournalError, and closes the file it could not write', async () => {
    const { fs } = spyFs();
    let closed = 0;
    const failing: JournalFs = {
      ...fs,
      open: async (p, flags) => {
        const h = await fs.open(p, flags);
        const close = async (): Promise<void> => {
          if (p.endsWith('.journal')) closed++; // not the directory, opened to sync a new file's entry
          await h.close();
        };
        return { ...h, write: () => Promise.reject(new Error('ENOSPC: no space left on device')), datasync: h.datasync, sync: h.sync, close };
      },
    };
    const j = fileJournal(join(dir, 'f.journal'), { fs: failing });
    const error = await j.append({ n: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(JournalError);
    expect((error as JournalError).message).to.contain('ENOSPC');
    expect(closed, 'the handle that failed is closed at once').to.equal(1);
    await j.close();
    expect(closed).to.equal(1);
  });
});
