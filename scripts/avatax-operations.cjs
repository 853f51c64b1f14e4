#!/usr/bin/env node
/**
 * The AvaTax REST v2 operations of the installed `avatax` SDK: name, HTTP method and path template, read
 * by calling every client method with placeholder arguments and capturing the request it would send.
 * `node scripts/avatax-operations.cjs` writes apps/api/src/avatax-v2/avatax-operations.json, the table the
 * server uses to name an operation it does not serve (501); test/avatax-v2-errors.e2e-spec.ts checks the
 * table still matches the SDK.
 */
const path = require('node:path');
const fs = require('node:fs');

function sdkOperations() {
  const Avatax = require('avatax');
  const client = new Avatax({ appName: 'ops', appVersion: '1', machineName: 'ops', environment: 'http://sdk.invalid' });
  const names = Object.getOwnPropertyNames(Object.getPrototypeOf(client)).filter((n) => typeof client[n] === 'function');
  const operations = [];
  for (const name of names) {
    if (['constructor', 'restCall', 'buildUrl', 'withSecurity', 'withLicenseKey', 'withBearerToken', 'createLogEntry', 'withCustomHttpAgent'].includes(name)) continue;
    let captured;
    const probe = Object.create(client);
    probe.restCall = (req) => {
      captured = req;
      return Promise.resolve();
    };
    // Every argument a method destructures reads as ":<name>"; query parameters are dropped below.
    const args = new Proxy({}, { get: (_t, prop) => (typeof prop === 'string' ? `:${prop}` : undefined) });
    try {
      client[name].call(probe, args);
    } catch {
      continue;
    }
    if (!captured || typeof captured.url !== 'string') continue;
    const url = captured.url.replace('http://sdk.invalid', '').split('?')[0];
    if (!url.startsWith('/api/v2/')) continue;
    operations.push({ operation: name, method: String(captured.verb).toUpperCase(), path: url });
  }
  return operations.sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path)));
}

module.exports = { sdkOperations };

if (require.main === module) {
  const target = path.join(__dirname, '..', 'apps', 'api', 'src', 'avatax-v2', 'avatax-operations.json');
  fs.writeFileSync(target, JSON.stringify(sdkOperations(), null, 0).replace(/\},\{/g, '},\n{') + '\n');
  console.log(`wrote ${target}`);
}
