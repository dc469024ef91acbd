// Applies wasm-opt's name minification (--minify-imports-and-exports-and-modules) to the JS glue
// wasm-bindgen generated (`wasm-pack build --target web`), so the two still agree: the import
// object's modules and keys, and every `wasm.<export>` access. The generated names carry
// 16-hex-digit hashes that gzip poorly. The glue imports each JS snippet twice, by name for the
// members it calls itself and as `import * as importN` for the import object: only the second
// kind is rewritten here (scripts/bundle.mjs makes sure each snippet is bundled once).
// Usage: node scripts/rename-glue.mjs names.json module.wasm glue.js  (rewrites glue.js in place)
import { readFileSync, writeFileSync } from 'node:fs';

const [namesFile, wasmFile, glueFile] = process.argv.slice(2);
const names = JSON.parse(readFileSync(namesFile, 'utf8'));
let glue = readFileSync(glueFile, 'utf8');

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function replace(pattern, replacement, what) {
  const before = glue;
  glue = glue.replace(pattern, replacement);
  if (glue === before) throw new Error(`rename-glue: ${what} not found in ${glueFile}`);
}

// The minified module of each import, read from the optimised module itself.
const moduleOf = new Map(
  WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmFile))).map((i) => [i.name, i.module]),
);

// Group the imports by their original module.
const byModule = new Map();
for (const [module, from, to] of names.imports) {
  if (!byModule.has(module)) byModule.set(module, []);
  byModule.get(module).push([from, to]);
}

// wasm-opt moves every import into one module ("a"); the glue must give it one object holding
// wasm-bindgen's own imports (renamed in place) and the members of each JS snippet.
const targets = new Set(names.imports.map(([, , to]) => moduleOf.get(to)));
if (targets.size !== 1) throw new Error(`rename-glue: expected one minified module, got ${[...targets]}`);
const [target] = targets;
const snippetMembers = [];
for (const [module, renames] of byModule) {
  // The entries of this module in the import object: `"<module>": importN,` (a snippet module can
  // be listed several times, as the same namespace).
  const entry = new RegExp(`(["'])${escape(module)}\\1: (import\\d+),?\\n?`, 'g');
  const found = [...glue.matchAll(entry)];
  if (found.length === 0) throw new Error(`rename-glue: module ${module} not found in ${glueFile}`);
  const object = found[0][2];
  if (object === 'import0') {
    for (const [from, to] of renames) replace(new RegExp(`\\b${escape(from)}:`, 'g'), `${JSON.stringify(to)}:`, `import ${from}`);
    replace(entry, `${JSON.stringify(target)}: import0,\n`, `module ${module}`);
  } else {
    for (const [from, to] of renames) snippetMembers.push(`${JSON.stringify(to)}: ${object}[${JSON.stringify(from)}],`);
    replace(entry, '', `module ${module}`);
  }
}
replace(/const import0 = \{\n(\s*)__proto__: null,/, (whole, indent) => `${whole}\n${indent}${snippetMembers.join(`\n${indent}`)}`, 'the import0 object');

for (const [from, to] of names.exports) {
  // Not every export is used by the glue (the start function may be called by the runtime).
  glue = glue.replace(new RegExp(`\\bwasm\\.${escape(from)}\\b`, 'g'), `wasm[${JSON.stringify(to)}]`);
}
writeFileSync(glueFile, glue);
