// Bundles the package entry (js/index.js) with the wasm-bindgen glue and its JS snippets into one
// minified ES module, with exactly one copy of every file in js/.
//
// wasm-bindgen copies each `#[wasm_bindgen(module = "/js/x.js")]` file to
// `<out>/snippets/<crate>-<hash>/js/x.js` and the glue imports that copy. The entry imports the
// same files by their own names (`./errors.js`): bundling both copies would give two
// `SessionExpiredError` classes, and `instanceof` would fail on errors the module throws. So every
// import of a file in js/, from the entry, from the snippets or from the glue, is resolved to the
// snippet copy when there is one, else to the file in js/; the entry's imports that are neither
// (`./fetch_with_refresh.js`, the glue) are looked up in the wasm-pack output directory, which
// sits next to the entry in the package. The build then fails if any file went in twice.
//
// Usage: node scripts/bundle.mjs <wasm-pack out-dir> <outfile>
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const [outArg, outfile] = process.argv.slice(2);
if (!outArg || !outfile) throw new Error('usage: node scripts/bundle.mjs <wasm-pack out-dir> <outfile>');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const jsDir = join(root, 'js');
const entry = join(jsDir, 'index.js');
const out = resolve(root, outArg);

// This crate's snippet directory (`<crate>-<hash>`); other crates' snippets, if any, are left alone.
const crate = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^name = "([^"]+)"/m)?.[1];
if (!crate) throw new Error('bundle: no package name in Cargo.toml');
const snippetsDir = join(out, 'snippets');
const ours = existsSync(snippetsDir)
  ? readdirSync(snippetsDir).filter((d) => new RegExp(`^${crate}-[0-9a-f]+$`).test(d))
  : [];
if (ours.length > 1) throw new Error(`bundle: several snippet directories for ${crate}: ${ours.join(', ')}`);
const snippetRoot = ours.length === 1 ? join(snippetsDir, ours[0]) : null;

const inside = (dir, file) => file === dir || file.startsWith(dir + sep);
const isFile = (file) => existsSync(file) && statSync(file).isFile();

/** The file's path as the crate names it (`js/errors.js`), whichever copy it is; else null. */
function logical(file) {
  if (snippetRoot && inside(snippetRoot, file)) return relative(snippetRoot, file).split(sep).join('/');
  if (inside(jsDir, file)) return relative(root, file).split(sep).join('/');
  return null;
}

const oneCopy = {
  name: 'one-copy-of-each-snippet',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      const name = logical(target);
      if (name === null) return undefined;
      if (snippetRoot && isFile(join(snippetRoot, name))) return { path: join(snippetRoot, name) };
      if (isFile(join(root, name))) return { path: join(root, name) };
      // The entry's own neighbours in the package: the glue (and nothing else today).
      if (inside(jsDir, args.importer)) {
        const generated = resolve(out, relative(jsDir, target));
        if (isFile(generated)) return { path: generated };
      }
      return { errors: [{ text: `cannot resolve ${args.path} from ${relative(root, args.importer)}` }] };
    });
  },
};

const result = await build({
  entryPoints: [entry],
  outfile: resolve(root, outfile),
  absWorkingDir: root,
  bundle: true,
  minify: true,
  format: 'esm',
  logLevel: 'warning',
  metafile: true,
  plugins: [oneCopy],
});

// The check: no file of js/ twice (by name, whichever copy), and no two inputs with equal contents.
const byName = new Map();
const byHash = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const file = resolve(root, input);
  const name = logical(file);
  if (name !== null) byName.set(name, [...(byName.get(name) ?? []), input]);
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
  byHash.set(hash, [...(byHash.get(hash) ?? []), input]);
}
const twice = [...byName.values(), ...byHash.values()].filter((inputs) => inputs.length > 1);
if (twice.length > 0) {
  const list = twice.map((inputs) => `  ${inputs.join(' and ')}`).join('\n');
  console.error(`bundle: a snippet is bundled more than once (instanceof would fail across copies):\n${list}`);
  process.exit(1);
}
