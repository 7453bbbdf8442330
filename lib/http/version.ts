import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const PACKAGE_NAME = 'vitable-connect-rx';

/**
 * Reads the version from the package's own `package.json`: two levels up both
 * from `lib/http/` (ts-node) and from `dist/http/` (the build).
 */
const readVersion = (): string => {
  try {
    const pkg: unknown = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
    );
    if (typeof pkg === 'object' && pkg !== null && 'name' in pkg && 'version' in pkg) {
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    }
  } catch {
    // fall through: a bundler may have moved this file away from package.json
  }
  return 'unknown';
};

/**
 * The package version, as written in its `package.json`.
 *
 * @example
 * // internal (lib/http/version.ts), not part of the package root
 * VERSION; // '0.1.0'
 *
 * @internal
 */
export const VERSION: string = readVersion();

/**
 * The `User-Agent` every request carries: `vitable-connect-rx/<version>`.
 *
 * @internal
 */
export const USER_AGENT = `${PACKAGE_NAME}/${VERSION}`;
