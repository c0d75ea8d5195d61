// The ES module entry, as `import` sees it (package.json "exports" → index.mjs, typed by index.d.ts).
import { DC1RenterClient, DC1Client, AbortError, VERSION } from 'dc1-renter-sdk';
import sdk from 'dc1-renter-sdk';

export const client: DC1RenterClient = new DC1RenterClient({ baseUrl: 'http://127.0.0.1:1' });
export const resources: DC1Client = new sdk.DC1Client({ baseUrl: 'http://127.0.0.1:1' });
export const abort: AbortError = new AbortError();
export const version: string = VERSION;
