// Applies wasm-opt's name minification (--minify-imports-and-exports-and-modules) to the JS glue
// wasm-bindgen generated: the import object's module and keys, and every `wasm.<export>` access.
// The generated names carry 16-hex-digit hashes that gzip poorly, in the wasm and in the JS alike.
// Usage: node scripts/rename-glue.mjs names.json glue.js  (rewrites glue.js in place)
import { readFileSync, writeFileSync } from 'node:fs';

const [namesFile, glueFile] = process.argv.slice(2);
const names = JSON.parse(readFileSync(namesFile, 'utf8'));
let glue = readFileSync(glueFile, 'utf8');

const escape = (s) => s.replace(/[$]/g, '\\$&');
const replaceAll = (pattern, replacement, what) => {
  const before = glue;
  glue = glue.replace(pattern, replacement);
  if (glue === before) throw new Error(`rename-glue: ${what} not found in ${glueFile}`);
};

const modules = new Set(names.imports.map(([module]) => module));
if (modules.size !== 1) throw new Error(`rename-glue: expected one import module, got ${[...modules]}`);
const [module] = modules;
// wasm-opt names the single module "a".
replaceAll(new RegExp(`(["'])${escape(module).replace(/\./g, '\\.')}\\1:`, 'g'), 'a:', `module ${module}`);
for (const [, from, to] of names.imports) {
  replaceAll(new RegExp(`\\b${escape(from)}:`, 'g'), `${JSON.stringify(to)}:`, `import ${from}`);
}
for (const [from, to] of names.exports) {
  // Not every export is used by the glue (the start function may be called by the runtime).
  glue = glue.replace(new RegExp(`\\bwasm\\.${escape(from)}\\b`, 'g'), `wasm[${JSON.stringify(to)}]`);
}
writeFileSync(glueFile, glue);
