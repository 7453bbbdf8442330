import { expect } from 'chai';
import nock from 'nock';
import { lastValueFrom } from 'rxjs';
import { createClient, makeClient } from '../lib/client';
import { ConfigError, VitableError } from '../lib/errors';
import { group, recorder } from './http/fixtures';

const KEY = 'vc_test_client_spec_key';
const ENV_VARS = [
  'VITABLE_CONNECT_API_KEY',
  'VITABLE_CONNECT_BASE_URL',
  'VITABLE_CONNECT_LOG',
] as const;

const configError = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    expect(e).to.be.instanceOf(VitableError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('createClient', () => {
  const saved: Partial<Record<(typeof ENV_VARS)[number], string>> = {};
  beforeEach(() => {
    for (const name of ENV_VARS) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterEach(() => {
    for (const name of ENV_VARS) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  describe('API key', () => {
    it('throws ConfigError naming VITABLE_CONNECT_API_KEY when no key is given or set', () => {
      expect(configError(() => createClient()).message).to.contain('VITABLE_CONNECT_API_KEY');
      expect(configError(() => createClient({ apiKey: '' })).message).to.contain(
        'VITABLE_CONNECT_API_KEY',
      );
      process.env['VITABLE_CONNECT_API_KEY'] = '   ';
      expect(configError(() => createClient()).message).to.contain('VITABLE_CONNECT_API_KEY');
    });

    it('takes the key from the env var, and an explicit apiKey over it', async () => {
      const { seen, record } = recorder();
      nock('https://api.vitablehealth.com')
        .get('/v1/groups/grp_1')
        .times(2)
        .reply(function (path, body) {
          record(this.req, path, body);
          return [200, { data: group(1) }];
        });
      process.env['VITABLE_CONNECT_API_KEY'] = 'vc_from_env_123';
      await lastValueFrom(createClient().groups.retrieve('grp_1'));
      await lastValueFrom(createClient({ apiKey: KEY }).groups.retrieve('grp_1'));
      expect(seen.map((s) => s.headers['authorization'])).to.deep.equal([
        'Bearer vc_from_env_123',
        `Bearer ${KEY}`,
      ]);
    });

    it('rejects a key that is not a string', () => {
      expect(configError(() => createClient({ apiKey: 42 } as never)).message).to.contain('apiKey');
    });
  });

  describe('base URL', () => {
    it('defaults to production', () => {
      expect(createClient({ apiKey: KEY }).baseURL).to.equal('https://api.vitablehealth.com');
    });

    it('maps environment_1 to UAT and production to production', () => {
      expect(createClient({ apiKey: KEY, environment: 'environment_1' }).baseURL).to.equal(
        'https://api.uat.vitablehealth.com',
      );
      expect(createClient({ apiKey: KEY, environment: 'production' }).baseURL).to.equal(
        'https://api.vitablehealth.com',
      );
    });

    it('applies baseURL > environment > VITABLE_CONNECT_BASE_URL > production', () => {
      process.env['VITABLE_CONNECT_BASE_URL'] = 'http://127.0.0.1:4010/';
      expect(createClient({ apiKey: KEY }).baseURL).to.equal('http://127.0.0.1:4010');
      expect(createClient({ apiKey: KEY, environment: 'environment_1' }).baseURL).to.equal(
        'https://api.uat.vitablehealth.com',
      );
      expect(
        createClient({
          apiKey: KEY,
          environment: 'environment_1',
          baseURL: 'https://proxy.example/api/',
        }).baseURL,
      ).to.equal('https://proxy.example/api');
    });

    it('sends requests under a base URL with a path prefix', async () => {
      const scope = nock('https://proxy.example')
        .get('/api/v1/groups/grp_1')
        .reply(200, { data: group(1) });
      await lastValueFrom(
        createClient({ apiKey: KEY, baseURL: 'https://proxy.example/api' }).groups.retrieve(
          'grp_1',
        ),
      );
      expect(scope.isDone()).to.equal(true);
    });

    it('throws ConfigError for an unknown environment or a malformed URL, from options or env', () => {
      expect(
        configError(() => createClient({ apiKey: KEY, environment: 'staging' } as never)).message,
      ).to.contain('staging');
      for (const baseURL of ['not a url', 'ftp://x.example', 'https://x.example/?a=1', '']) {
        expect(
          configError(() => createClient({ apiKey: KEY, baseURL })).message,
          baseURL,
        ).to.contain('baseURL');
      }
      process.env['VITABLE_CONNECT_BASE_URL'] = 'localhost:4010';
      expect(configError(() => createClient({ apiKey: KEY })).message).to.contain(
        'VITABLE_CONNECT_BASE_URL',
      );
    });
  });

  describe('numbers', () => {
    const bad: Array<[string, unknown]> = [
      ['timeoutMs', -1],
      ['timeoutMs', 0],
      ['timeoutMs', Infinity],
      ['timeoutMs', '1000'],
      ['maxRetries', 1.5],
      ['maxRetries', -1],
      ['maxRetries', NaN],
      ['maxRetryAfterMs', -5],
      ['maxRetryAfterMs', null],
      // durations past the longest timer Node runs (it would fire after 1 ms)
      ['timeoutMs', 2 ** 31],
      ['timeoutMs', 30 * 24 * 3600 * 1000],
      ['maxRetryAfterMs', 1e10],
      ['maxRateLimitWaitMs', 2 ** 31],
      ['maxRateLimitWaitMs', -1],
      ['maxRateLimitWaitMs', NaN],
      ['maxRateLimitWaitMs', '120000'],
    ];
    for (const [name, value] of bad)
      it(`throws ConfigError for ${name}: ${String(value)}`, () => {
        expect(configError(() => createClient({ apiKey: KEY, [name]: value })).message).to.contain(
          name,
        );
      });

    it('accepts maxRetries 0 and maxRetryAfterMs 0', () => {
      expect(() =>
        createClient({ apiKey: KEY, maxRetries: 0, maxRetryAfterMs: 0, timeoutMs: 1 }),
      ).not.to.throw();
    });

    it('accepts every duration up to 2147483647 ms, and maxRateLimitWaitMs 0', () => {
      const max = 2_147_483_647;
      expect(() =>
        createClient({ apiKey: KEY, timeoutMs: max, maxRetryAfterMs: max, maxRateLimitWaitMs: max }),
      ).not.to.throw();
      expect(() => createClient({ apiKey: KEY, maxRateLimitWaitMs: 0 })).not.to.throw();
      expect(configError(() => createClient({ apiKey: KEY, timeoutMs: max + 1 })).message).to.contain(
        '2147483647',
      );
    });
  });

  describe('logging and other options', () => {
    it('reads VITABLE_CONNECT_LOG, lets logLevel win, and rejects unknown levels', async () => {
      const lines: string[] = [];
      const logger = {
        error: (m: string) => lines.push(m),
        warn: (m: string) => lines.push(m),
        info: (m: string) => lines.push(m),
        debug: (m: string) => lines.push(m),
      };
      nock('https://api.vitablehealth.com')
        .get('/v1/groups/grp_1')
        .times(2)
        .reply(200, { data: group(1) });
      process.env['VITABLE_CONNECT_LOG'] = 'debug';
      await lastValueFrom(createClient({ apiKey: KEY, logger }).groups.retrieve('grp_1'));
      expect(lines.length).to.be.greaterThan(0);
      lines.length = 0;
      await lastValueFrom(
        createClient({ apiKey: KEY, logger, logLevel: 'off' }).groups.retrieve('grp_1'),
      );
      expect(lines).to.deep.equal([]);
      expect(
        configError(() => createClient({ apiKey: KEY, logLevel: 'verbose' } as never)).message,
      ).to.contain('logLevel');
      process.env['VITABLE_CONNECT_LOG'] = 'loud';
      expect(configError(() => createClient({ apiKey: KEY })).message).to.contain(
        'VITABLE_CONNECT_LOG',
      );
    });

    it('rejects a logger, axios, onRetry or defaultHeaders of the wrong kind, and options that are not an object', () => {
      expect(
        configError(() => createClient({ apiKey: KEY, logger: { log: () => undefined } } as never))
          .message,
      ).to.contain('logger');
      expect(
        configError(() => createClient({ apiKey: KEY, axios: {} } as never)).message,
      ).to.contain('axios');
      expect(
        configError(() => createClient({ apiKey: KEY, onRetry: 'log' } as never)).message,
      ).to.contain('onRetry');
      expect(
        configError(() => createClient({ apiKey: KEY, defaultHeaders: { 'X-A': 1 } } as never))
          .message,
      ).to.contain('defaultHeaders.X-A');
      expect(configError(() => createClient('vc_key' as never)).message).to.contain('options');
    });

    it('accepts a callable logger: a function carrying error, warn, info and debug', async () => {
      const lines: string[] = [];
      const logger = Object.assign(function () {}, {
        error: (m: string) => void lines.push(m),
        warn: (m: string) => void lines.push(m),
        info: (m: string) => void lines.push(m),
        debug: (m: string) => void lines.push(m),
      });
      nock('https://api.vitablehealth.com').get('/v1/groups/grp_1').reply(200, { data: group(1) });
      await lastValueFrom(
        createClient({ apiKey: KEY, logger, logLevel: 'debug' }).groups.retrieve('grp_1'),
      );
      expect(lines.some((l) => l.includes('GET /v1/groups/grp_1'))).to.equal(true);
    });

    it('rejects onResponse of the wrong kind', () => {
      expect(
        configError(() => createClient({ apiKey: KEY, onResponse: 1 } as never)).message,
      ).to.contain('onResponse');
    });

    it('never puts the API key in a ConfigError', () => {
      const err = configError(() =>
        createClient({ apiKey: 'vc_secret_abcdef', baseURL: 'vc_secret_abcdef' }),
      );
      expect(`${err.message} ${String(err)} ${JSON.stringify(err)}`).not.to.contain(
        'vc_secret_abcdef',
      );
    });
  });

  describe('hostile options', () => {
    const names = [
      'apiKey',
      'environment',
      'baseURL',
      'timeoutMs',
      'maxRetries',
      'axios',
      'defaultHeaders',
      'logger',
      'logLevel',
      'maxRetryAfterMs',
      'onRetry',
      'maxRateLimitWaitMs',
      'onResponse',
    ];
    for (const name of names)
      it(`turns a throwing ${name} getter into a ConfigError naming it`, () => {
        const options = { apiKey: KEY };
        Object.defineProperty(options, name, {
          enumerable: true,
          get() {
            throw 1;
          },
        });
        expect(configError(() => createClient(options)).message).to.contain(name);
      });

    it('turns anything else that throws while reading them into a ConfigError: a revoked Proxy, a throwing header getter, a thrown null-prototype object', () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      configError(() => createClient(proxy as never));
      const headers = {};
      Object.defineProperty(headers, 'X-A', { enumerable: true, get: () => { throw new Error('no'); } });
      configError(() => createClient({ apiKey: KEY, defaultHeaders: headers }));
      const weird = {
        get apiKey(): string {
          throw Object.create(null);
        },
      };
      configError(() => createClient(weird));
    });

    it('reads each option once', () => {
      const reads: Record<string, number> = {};
      const options = new Proxy(
        { apiKey: KEY, timeoutMs: 1000, logger: console, defaultHeaders: { 'X-A': 'a' } },
        {
          get(target, key, receiver) {
            reads[String(key)] = (reads[String(key)] ?? 0) + 1;
            return Reflect.get(target, key, receiver) as unknown;
          },
        },
      );
      createClient(options);
      for (const [key, n] of Object.entries(reads)) expect(n, key).to.equal(1);
      expect(reads).to.have.property('apiKey', 1);
    });

    it('never puts the key in the ConfigError of a getter whose error echoes it', () => {
      const options = {
        apiKey: 'vc_echoed_secret_777',
        get timeoutMs(): number {
          throw new Error('bad timeout for vc_echoed_secret_777');
        },
      };
      const err = configError(() => createClient(options));
      expect(`${err.message} ${String(err)} ${JSON.stringify(err)}`).not.to.contain(
        'vc_echoed_secret_777',
      );
    });
  });

  describe('makeClient (internal injection)', () => {
    it('takes the environment from deps.env instead of process.env', () => {
      process.env['VITABLE_CONNECT_API_KEY'] = 'vc_process_env';
      const c = makeClient(
        {},
        {
          env: {
            VITABLE_CONNECT_API_KEY: 'vc_injected',
            VITABLE_CONNECT_BASE_URL: 'http://127.0.0.1:9',
          },
        },
      );
      expect(c.baseURL).to.equal('http://127.0.0.1:9');
      expect(configError(() => makeClient({}, { env: {} })).message).to.contain(
        'VITABLE_CONNECT_API_KEY',
      );
    });
  });
});
