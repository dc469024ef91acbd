// Sums `twiggy top -f csv` rows (stdin) by the crate each item comes from, for the README's table
// of dependencies. Raw bytes of the shipped module's code and data; names that say no crate (data
// segments, wasm-bindgen's shims) are grouped as such.
import { readFileSync } from 'node:fs';

const rows = readFileSync(0, 'utf8').trim().split('\n').slice(1);
const groups = new Map();
const crateOf = (name) => {
  if (name.startsWith('"function names"') || name.startsWith('... and')) return null;
  if (name.startsWith('data segment')) return '(data: strings, panic locations, tables)';
  if (/^authclient_/.test(name)) return 'fetch-with-refresh (inlined into the exported methods)';
  if (/externref shim|__wbindgen|__wbg|__externref|wasm_bindgen__convert|^import /.test(name)) return '(wasm-bindgen shims and imports)';
  const generic = /^<([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(name);
  const plain = /^([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(name);
  const crate = (generic ?? plain)?.[1];
  if (!crate) return '(other)';
  if (['core', 'alloc', 'std', '__rustc', 'dlmalloc', 'hashbrown', 'compiler_builtins'].includes(crate)) return 'std (core, alloc, dlmalloc, panics, fmt)';
  return crate.replace(/_/g, '-');
};
/** The first two CSV fields of `row`: the name (maybe quoted, with "" for a quote) and the size. */
function fields(row) {
  const match = /^(?:"((?:[^"]|"")*)"|([^,]*)),(\d+)/.exec(row);
  return match ? [(match[1] ?? match[2]).replace(/""/g, '"'), match[3]] : [row, '0'];
}

for (const row of rows) {
  const [name, bytes] = fields(row);
  const crate = crateOf(name);
  if (crate === null) continue;
  groups.set(crate, (groups.get(crate) ?? 0) + Number.parseInt(bytes, 10));
}
const total = [...groups.values()].reduce((a, b) => a + b, 0);
for (const [crate, bytes] of [...groups].sort((a, b) => b[1] - a[1])) {
  console.log(`${String(bytes).padStart(8)}  ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${crate}`);
}
console.log(`${String(total).padStart(8)}  100.0%  total (raw, before gzip)`);
