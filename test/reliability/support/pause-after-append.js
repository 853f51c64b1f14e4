/**
 * Preloaded into the server process by the provisioning crash suite (NODE_OPTIONS="--require <this>"):
 * after the PAUSE_AFTER_APPENDS-th append has committed (the ledger writer thread answered), prints
 * `PAUSED_AFTER_APPEND <stream>` on stderr and blocks the API thread for good, so the test can kill -9
 * the process at exactly that point between two writes. Patches the compiled ThreadedEventStore of
 * dist/ only in the process it is loaded into; the server's own code has no such hook.
 */
'use strict';
const { writeSync } = require('node:fs');
const { join } = require('node:path');

const pauseAfter = Number(process.env.PAUSE_AFTER_APPENDS);
if (Number.isInteger(pauseAfter) && pauseAfter > 0) {
  const { ThreadedEventStore } = require(join(__dirname, '../../../dist/apps/api/src/storage/ledger-writer-thread.js'));
  const append = ThreadedEventStore.prototype.append;
  let appends = 0;
  ThreadedEventStore.prototype.append = async function (streamName, ...rest) {
    const result = await append.call(this, streamName, ...rest);
    if (++appends === pauseAfter) {
      writeSync(2, `PAUSED_AFTER_APPEND ${streamName}\n`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // until kill -9
    }
    return result;
  };
}
