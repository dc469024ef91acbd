// Bundles the package's two entries into minified ES modules, with exactly one copy of every file
// in js/ across both:
// - `index.js` (js/index.js): the main entry, with the wasm-bindgen glue and its JS snippets.
// - `vue.js` (js/vue.js): the Vue entry, `fetch-with-refresh/vue`. It keeps `vue` (a peer
//   dependency) and `./index.js` (the main entry, next to it in the package) as imports, so the
//   package has one module instance (one wasm instance, one default client) whichever entry an app
//   imports first. It may import nothing else: anything else would be a second copy.
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
// Usage: node scripts/bundle.mjs <wasm-pack out-dir> <package dir>
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const [outArg, pkgArg] = process.argv.slice(2);
if (!outArg || !pkgArg) throw new Error('usage: node scripts/bundle.mjs <wasm-pack out-dir> <package dir>');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const jsDir = join(root, 'js');
const entry = join(jsDir, 'index.js');
const vueEntry = join(jsDir, 'vue.js');
const out = resolve(root, outArg);
const pkgDir = resolve(root, pkgArg);

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

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  format: 'esm',
  logLevel: 'warning',
  metafile: true,
};
// esbuild has printed its errors (logLevel): exit without a stack trace on top.
const failed = () => process.exit(1);

const main = await build({
  ...common,
  entryPoints: [entry],
  outfile: join(pkgDir, 'index.js'),
  plugins: [oneCopy],
}).catch(failed);

/** The Vue entry's imports: `vue` and the main entry stay imports; anything else fails the build. */
const vueImportsOnly = {
  name: 'vue-entry-imports-vue-and-the-main-entry-only',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path === 'vue') return { path: 'vue', external: true };
      if (args.path === './index.js' && args.importer === vueEntry) return { path: './index.js', external: true };
      const text = `js/vue.js may import only 'vue' and './index.js' (got ${args.path}): it would be a second copy`;
      return { errors: [{ text }] };
    });
  },
};
const vue = await build({
  ...common,
  entryPoints: [vueEntry],
  outfile: join(pkgDir, 'vue.js'),
  plugins: [vueImportsOnly],
}).catch(failed);

// The check: no file of js/ twice (by name, whichever copy), and no two inputs with equal contents,
// within a bundle or across the two.
const byName = new Map();
const byHash = new Map();
for (const result of [main, vue]) {
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = resolve(root, input);
    const name = logical(file);
    if (name !== null) byName.set(name, [...(byName.get(name) ?? []), input]);
    const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
    byHash.set(hash, [...(byHash.get(hash) ?? []), input]);
  }
}
const twice = [...byName.values(), ...byHash.values()].filter((inputs) => inputs.length > 1);
if (twice.length > 0) {
  const list = twice.map((inputs) => `  ${inputs.join(' and ')}`).join('\n');
  console.error(`bundle: a snippet is bundled more than once (instanceof would fail across copies):\n${list}`);
  process.exit(1);
}

// And the Vue entry is js/vue.js alone, importing `vue` and `./index.js` at run time.
const [vueOutput] = Object.values(vue.metafile.outputs);
const vueInputs = Object.keys(vueOutput.inputs).map((input) => resolve(root, input));
const vueExternals = vueOutput.imports.filter((i) => i.external).map((i) => i.path).sort();
if (vueInputs.length !== 1 || vueInputs[0] !== vueEntry || vueExternals.join() !== './index.js,vue') {
  console.error(
    `bundle: pkg/vue.js must be js/vue.js alone, importing 'vue' and './index.js' ` +
      `(inputs: ${vueInputs.join(', ')}; imports: ${vueExternals.join(', ')})`,
  );
  process.exit(1);
}
