import { expect } from 'chai';
import { resolveClientConfig } from '../../lib/http/client-config';
import { ConfigError } from '../../lib/errors';

describe('resolveClientConfig', () => {
  it('resolves the defaults of API.md', () => {
    const c = resolveClientConfig({ apiKey: 'vc_config_spec' }, {});
    expect(c).to.include({
      apiKey: 'vc_config_spec',
      baseURL: 'https://api.vitablehealth.com',
      timeoutMs: 60_000,
      maxRetries: 2,
      maxRetryAfterMs: 60_000,
      maxRateLimitWaitMs: 120_000,
    });
    expect(c.defaultHeaders).to.deep.equal({});
    expect(c).not.to.have.property('onRetry');
    expect(c).not.to.have.property('onResponse');
    expect(c.log.enabled('error')).to.equal(false);
  });

  it('takes the key, base URL and log level from the environment given', () => {
    const c = resolveClientConfig(undefined, {
      VITABLE_CONNECT_API_KEY: ' vc_from_env ',
      VITABLE_CONNECT_BASE_URL: 'http://127.0.0.1:9/',
      VITABLE_CONNECT_LOG: 'WARN',
    });
    expect(c).to.include({ apiKey: 'vc_from_env', baseURL: 'http://127.0.0.1:9' });
    expect(c.log.enabled('warn')).to.equal(true);
    expect(c.log.enabled('info')).to.equal(false);
  });

  it('keeps the listeners given, and throws only ConfigError', () => {
    const onResponse = (): void => undefined;
    expect(resolveClientConfig({ apiKey: 'vc_config_spec', onResponse }, {}).onResponse).to.equal(
      onResponse,
    );
    expect(() =>
      resolveClientConfig({ apiKey: 'vc_config_spec', maxRateLimitWaitMs: 2 ** 31 }, {}),
    ).to.throw(ConfigError);
    expect(() =>
      resolveClientConfig(
        new Proxy(
          {},
          {
            get: () => {
              throw new TypeError('x');
            },
          },
        ),
        {},
      ),
    ).to.throw(ConfigError);
  });
});
