// The page side of `make bench` (bench/run.mjs drives it): loads one variant (a bundle in
// target/bench/build/, served by the reference backend under /static/) and runs the measured loops.
// A variant module exports `create({ base, tokens, stub })` → `{ call() }`, where `call()` makes one
// authenticated GET <base>/api/me and resolves with the JSON body the way an app reads it.

// A handle on a WebAssembly module's linear memory, kept as it is instantiated (only our package
// has one), so the memory figure can report its size. The package does not export it.
window.wasmMemory = null;
const keep = (result) => {
  const exports = (result.instance ?? result).exports;
  window.wasmMemory = Object.values(exports).find((value) => value instanceof WebAssembly.Memory) ?? window.wasmMemory;
  return result;
};
const { instantiate, instantiateStreaming } = WebAssembly;
WebAssembly.instantiate = (...args) => instantiate(...args).then(keep);
WebAssembly.instantiateStreaming = (...args) => instantiateStreaming(...args).then(keep);

const STUB_BODY = '{"code":0,"data":{"ok":true}}';
/** The stubbed transport: answers every request at once, without looking at it. */
const stub = () =>
  Promise.resolve(new Response(STUB_BODY, { status: 200, headers: { 'content-type': 'application/json' } }));

const moduleUrl = (variant) => `/static/target/bench/build/${variant}.js`;
let stubbed = false;
/**
 * The answer the call should have read: the stub's `{code: 0, data: {ok: true}}` in the stubbed
 * figures (so a library that kept the real fetch shows as failing, not as fast), else the backend's
 * /api/me, `{code: 0, data: {user, tokenJti}}`.
 */
const good = (body) =>
  body !== null &&
  typeof body === 'object' &&
  body.code === 0 &&
  (stubbed ? body.data?.ok === true : typeof body.data?.user === 'string');
const describe = (e) => String(e?.message ?? e).slice(0, 200);

let client = null;

/**
 * Imports the variant and creates its client. With `stub`, `globalThis.fetch` is the stub from
 * after the import (our package fetches its wasm while it is imported) to the end of the page, and
 * the variant also gets it as `stub` (axios takes its transport through `env.fetch`).
 */
async function load({ variant, base, tokens, stub: withStub }) {
  const mod = await import(moduleUrl(variant));
  stubbed = withStub;
  if (stubbed) globalThis.fetch = stub;
  client = await mod.create({ base, tokens, stub: stubbed ? stub : undefined });
}

/** `n` calls one after the other: µs per call, and how many did not answer `{code: 0}`. */
async function sequential(n) {
  let bad = 0;
  let error = null;
  const started = performance.now();
  for (let i = 0; i < n; i += 1) {
    try {
      if (!good(await client.call())) bad += 1;
    } catch (e) {
      bad += 1;
      error ??= describe(e);
    }
  }
  const us = ((performance.now() - started) * 1000) / n;
  return { us, bad, error };
}

/**
 * `total` calls, `size` at a time (the memory figure: the count matters, not the latency); with
 * `maxMs`, no new batch starts after that long. Returns µs per call and how many calls were made.
 */
async function batches(total, size, maxMs = Infinity) {
  let bad = 0;
  let error = null;
  let done = 0;
  const started = performance.now();
  for (; done < total && performance.now() - started < maxMs; done += size) {
    const batch = [];
    for (let i = 0; i < size && done + i < total; i += 1) {
      batch.push(
        client.call().then(
          (body) => good(body) || (bad += 1),
          (e) => ((bad += 1), (error ??= describe(e))),
        ),
      );
    }
    await Promise.all(batch);
  }
  done = Math.min(done, total);
  return { us: ((performance.now() - started) * 1000) / done, calls: done, bad, error };
}

/**
 * `n` calls at once: the time from the first call to the last one settled, how many answered
 * `{code: 0, data}`, failed, or were still unsettled after `timeoutMs`.
 */
async function storm(n, timeoutMs) {
  let ok = 0;
  let failed = 0;
  let settled = 0;
  let last = 0;
  const errors = new Set();
  const started = performance.now();
  const calls = [];
  for (let i = 0; i < n; i += 1) {
    calls.push(
      client.call().then(
        (body) => (good(body) ? (ok += 1) : ((failed += 1), errors.add(`answer ${JSON.stringify(body).slice(0, 120)}`))),
        (e) => ((failed += 1), errors.add(describe(e))),
      ).finally(() => {
        settled += 1;
        last = performance.now();
      }),
    );
  }
  let timer;
  await Promise.race([Promise.all(calls), new Promise((done) => (timer = setTimeout(done, timeoutMs)))]);
  clearTimeout(timer);
  return { wallMs: settled ? last - started : null, ok, failed, hanging: n - settled, errors: [...errors].slice(0, 3) };
}

/** Cold start: from before the variant's import() to its first authenticated answer, in ms. */
async function cold({ variant, base, tokens }) {
  const started = performance.now();
  const mod = await import(moduleUrl(variant));
  const c = await mod.create({ base, tokens });
  const body = await c.call();
  return { ms: performance.now() - started, ok: good(body) };
}

const wasmBytes = () => window.wasmMemory?.buffer.byteLength ?? null;

window.bench = { load, sequential, batches, storm, cold, wasmBytes };
window.benchReady = true;
