// The CommonJS entry, as `require` sees it (package.json "exports" → index.js).
import dc1 = require('dc1-renter-sdk');

export const client: dc1.DC1RenterClient = new dc1.DC1RenterClient({ baseUrl: 'http://127.0.0.1:1' });
export const same: typeof dc1.DC1RenterClient = dc1.default.DC1RenterClient;
export function isAbort(e: unknown): boolean {
  return e instanceof dc1.AbortError;
}
