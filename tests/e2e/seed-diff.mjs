// The README's "Moving a seed's app from axios" section shows, per seed, the diff of
// examples/seeds/<seed>/before.js → request.js. This computes that diff (a plain line diff: longest
// common subsequence, unified hunks with 3 lines of context) and finds or rewrites the README's
// blocks, so migrate.test.mjs can check they never go stale.
//
//   node tests/e2e/seed-diff.mjs          prints each seed's diff
//   node tests/e2e/seed-diff.mjs --write  rewrites the ```diff blocks of that README section only
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SEEDS = ['000', '001', '002', '003', '004'];
export const SECTION = "## Moving a seed's app from axios";
const ROOT = new URL('../../', import.meta.url);
const README = new URL('README.md', ROOT);
const CONTEXT = 3;

/** `[op, line]` pairs turning `a` into `b`: ' ' kept, '-' removed, '+' added (removals first). */
export function lineOps(a, b) {
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push([' ', a[i]]);
      i += 1;
      j += 1;
    } else if (j === b.length || (i < a.length && lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push(['-', a[i]]);
      i += 1;
    } else {
      ops.push(['+', b[j]]);
      j += 1;
    }
  }
  return ops;
}

const linesOf = (text) => text.replace(/\n$/, '').split('\n');

/** A unified diff of two texts (no trailing newline), headed by the two names. */
export function unifiedDiff(aText, bText, aName, bName) {
  const ops = lineOps(linesOf(aText), linesOf(bText));
  const out = [`--- ${aName}`, `+++ ${bName}`];
  // Where each op sits in the old and new file (1-based line numbers of the next line of each).
  const at = [];
  let oldLine = 1;
  let newLine = 1;
  for (const [op] of ops) {
    at.push([oldLine, newLine]);
    if (op !== '+') oldLine += 1;
    if (op !== '-') newLine += 1;
  }
  const changed = ops.map(([op], k) => (op === ' ' ? -1 : k)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    // A hunk: changes closer than 2 × CONTEXT kept lines apart share one.
    let end = k;
    while (end + 1 < changed.length && changed[end + 1] - changed[end] <= 2 * CONTEXT + 1) end += 1;
    const from = Math.max(0, changed[k] - CONTEXT);
    const to = Math.min(ops.length, changed[end] + CONTEXT + 1);
    const slice = ops.slice(from, to);
    const oldCount = slice.filter(([op]) => op !== '+').length;
    const newCount = slice.filter(([op]) => op !== '-').length;
    const [oldStart, newStart] = at[from];
    out.push(`@@ -${oldCount ? oldStart : oldStart - 1},${oldCount} +${newCount ? newStart : newStart - 1},${newCount} @@`);
    // An empty kept line is written empty (not as one space), so editors that strip trailing
    // whitespace leave the README's blocks intact.
    for (const [op, line] of slice) out.push(op === ' ' && line === '' ? '' : `${op}${line}`);
    k = end + 1;
  }
  return out.join('\n');
}

/** The diff the README must show for `seed`, and how many lines it removes and adds. */
export function seedDiff(seed) {
  const dir = `examples/seeds/${seed}`;
  const read = (name) => readFileSync(new URL(`${dir}/${name}`, ROOT), 'utf8');
  const text = unifiedDiff(read('before.js'), read('request.js'), `${dir}/before.js`, `${dir}/request.js`);
  const body = text.split('\n').slice(2);
  return {
    text,
    removed: body.filter((l) => l.startsWith('-')).length,
    added: body.filter((l) => l.startsWith('+')).length,
  };
}

/** The section's text range in `readme`: [start, end) offsets, or null when it is missing. */
function sectionRange(readme) {
  const start = readme.indexOf(`\n${SECTION}\n`);
  if (start === -1) return null;
  const next = readme.indexOf('\n## ', start + SECTION.length + 2);
  return [start + 1, next === -1 ? readme.length : next + 1];
}

// A `### <seed>` heading, lines that are neither a heading nor a fence, then its ```diff block
// (group 2: the block's lines, each with its newline).
const BLOCK = /^### (\d{3})\b[^\n]*\n(?:(?!### |```)[^\n]*\n)*```diff\n((?:(?!```)[^\n]*\n)*?)```$/gm;

/** Each seed's ```diff block in the README's section: `{ seed: text }` (missing seeds absent). */
export function readmeDiffBlocks(readme = readFileSync(README, 'utf8')) {
  const range = sectionRange(readme);
  if (!range) return null;
  const blocks = {};
  for (const m of readme.slice(...range).matchAll(BLOCK)) blocks[m[1]] = m[2].replace(/\n$/, '');
  return blocks;
}

/** Rewrites the README section's ```diff blocks from the files (nothing outside the section). */
export function writeReadmeBlocks() {
  const readme = readFileSync(README, 'utf8');
  const range = sectionRange(readme);
  if (!range) throw new Error(`README.md has no "${SECTION}" section`);
  const section = readme.slice(...range).replace(BLOCK, (whole, seed, old) => {
    const fresh = seedDiff(seed).text;
    return `${whole.slice(0, whole.length - old.length - 3)}${fresh}\n\`\`\``;
  });
  writeFileSync(README, readme.slice(0, range[0]) + section + readme.slice(range[1]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write')) {
    writeReadmeBlocks();
  } else {
    for (const seed of SEEDS) {
      const { text, removed, added } = seedDiff(seed);
      console.log(`### ${seed}: -${removed} +${added}\n${text}\n`);
    }
  }
}
