/**
 * Preloaded into the server process by the fuzz suite (NODE_OPTIONS="--expose-gc --require <this>"):
 * on SIGUSR2, run a full garbage collection and print the memory figures on stderr, so memory is
 * compared at the same point of the collector's cycle before and after a load. Changes nothing else.
 */
'use strict';
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
  const m = process.memoryUsage();
  process.stderr.write(`RELIABILITY_MEMORY ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers })}\n`);
});
