import { CheckpointFollower, type CheckpointSource } from './checkpoint-follower';

/** A checkpoint the test moves (the projector's part), counting reads, with an optional notification. */
function source(initial: number, withNotifications = true) {
  const state = { position: initial, reads: 0, notify: (_p: number) => undefined as void, fail: (_e: unknown) => undefined as void, watches: 0 };
  const src: CheckpointSource = {
    checkpoint: async () => {
      state.reads++;
      return state.position;
    },
  };
  if (withNotifications) {
    src.watchCheckpoint = (onPosition, onError) => {
      state.watches++;
      state.notify = onPosition;
      state.fail = onError;
      return { close: async () => undefined };
    };
  }
  const move = (p: number) => {
    state.position = p;
    state.notify(p);
  };
  return { state, src, move };
}

describe('distributed profile: commands wait on one checkpoint follower per API process', () => {
  const followers: CheckpointFollower[] = [];
  afterEach(async () => Promise.all(followers.splice(0).map((f) => f.close())));
  const follower = (src: CheckpointSource, pollMs = 250) => {
    const f = new CheckpointFollower(src, { pollMs, rewatchMs: 20 });
    followers.push(f);
    return f;
  };

  it('a checkpoint notification answers every waiter at once, not before its position', async () => {
    const { src, move } = source(10);
    const f = follower(src, 60_000);
    const answered: number[] = [];
    const waits = [11, 12, 13].map((p) => f.waitFor(p, 5000).then((ok) => ok && answered.push(p)));
    await new Promise((r) => setTimeout(r, 20));
    move(12);
    await new Promise((r) => setImmediate(r));
    expect(answered.sort()).toEqual([11, 12]);
    move(13);
    await Promise.all(waits);
    expect(answered.sort()).toEqual([11, 12, 13]);
  });

  it('fifty concurrent commands cost one checkpoint read per poll, not fifty', async () => {
    const { state, src } = source(1, false);
    const f = follower(src, 30);
    const waits = Array.from({ length: 50 }, (_, i) => f.waitFor(100 + i, 5000));
    await new Promise((r) => setTimeout(r, 100));
    const readsWhileWaiting = state.reads;
    expect(readsWhileWaiting).toBeGreaterThanOrEqual(2);
    expect(readsWhileWaiting).toBeLessThan(10);
    state.position = 200;
    expect(await Promise.all(waits)).toEqual(Array(50).fill(true));
    // Nobody waits: the reads stop (after at most the one already scheduled).
    await new Promise((r) => setTimeout(r, 60));
    const after = state.reads;
    await new Promise((r) => setTimeout(r, 100));
    expect(state.reads).toBe(after);
  });

  it('answers false after the bound when the projector lags', async () => {
    const { src } = source(1);
    const started = Date.now();
    expect(await follower(src).waitFor(5, 120)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('a failed change stream is watched again; meanwhile the reads answer', async () => {
    const { state, src } = source(1);
    const f = follower(src, 20);
    state.fail(new Error('stream closed'));
    const wait = f.waitFor(3, 5000);
    state.position = 3; // moved while no notification came
    expect(await wait).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(state.watches).toBe(2);
  });
});
