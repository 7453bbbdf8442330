// Generated from package.json by .ci/write-version.mjs (run by `npm version`;
// the build fails when it is stale). Do not edit by hand.

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The package version, fixed at build time from its `package.json`.
 *
 * @example
 * // internal (lib/http/version.ts), not part of the package root
 * VERSION; // '0.1.0'
 *
 * @internal
 */
export const VERSION = '0.1.0';

/**
 * The `User-Agent` every request carries: `vitable-connect-rx/<version>`.
 *
 * @internal
 */
export const USER_AGENT = `vitable-connect-rx/${VERSION}`;
