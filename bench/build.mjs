// Bundles each variant of bench/variants/ into one minified ES module in target/bench/build/ (what
// the page imports), and measures what its library costs to load: the same libraries, imported by
// the same names, bundled and minified alone (the variant's own glue left out), gzip -9.
// Our package is bundled into its variants the same way, as an app's bundler does with an npm
// package: its imports (`/static/pkg/…`) resolve to the copy of pkg/ that run.mjs made for the run,
// and its module (which the entry finds with `new URL('./fetch_with_refresh_bg.wasm',
// import.meta.url)`, an asset to a bundler) is copied beside the bundles, where that URL points.
// Its bytes are the package's entry and module as `make size` counts them (see run.mjs).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Where run.mjs copies pkg/ for the run, relative to the repository root. */
export const PKG_SNAPSHOT = 'target/bench/pkg';

/** esbuild's options for every bundle; `root` is the repository's root. */
const buildOptions = (root) => ({
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'silent',
  plugins: [
    {
      // Our package is read from the copy of pkg/ that run.mjs made for this run (a rebuild of
      // pkg/ during the run cannot mix two builds in one report).
      name: 'pkg-snapshot',
      setup(b) {
        b.onResolve({ filter: /^\/static\/pkg\// }, (args) => ({
          path: join(root, PKG_SNAPSHOT, args.path.slice('/static/pkg/'.length)),
        }));
      },
    },
  ],
});

/**
 * Gzipped size as `make size` counts it: `gzip -9 -n` (no name or time in the header), so our
 * package's figure matches scripts/size.sh; zlib's level 9 (a few hundred bytes apart on our
 * module) only where no gzip is installed.
 */
export function gzipBytes(buffer) {
  try {
    return execFileSync('gzip', ['-9', '-n', '-c'], { input: buffer, maxBuffer: 64 * 2 ** 20 }).length;
  } catch {
    return gzipSync(buffer, { level: 9 }).length;
  }
}

/**
 * The variant's imports of packages, as re-exports: `import a, { b } from 'x'` becomes
 * `export { default as a, b } from 'x'`. Only bare specifiers (packages); URL imports are ours.
 */
export function libraryEntry(source) {
  const lines = [];
  const re = /^import\s+([^'";]+?)\s+from\s+['"]([^'"]+)['"];?\s*$/gm;
  for (const [, clause, spec] of source.matchAll(re)) {
    if (spec.startsWith('/') || spec.startsWith('.')) continue;
    const names = [];
    const m = /^(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:\{([^}]*)\})?$/.exec(clause.trim());
    if (!m) throw new Error(`cannot read the import clause "${clause}"`);
    if (m[1]) names.push(`default as ${m[1]}`);
    if (m[2]) names.push(...m[2].split(',').map((s) => s.trim()).filter(Boolean));
    lines.push(`export { ${names.join(', ')} } from '${spec}';`);
  }
  return lines.join('\n');
}

/**
 * Builds every variant. Returns `{ [name]: { ok: true, bundleBytes, libraryBytes, libraryMinBytes } }`
 * or `{ ok: false, reason }` for a variant whose bundle could not be built (e.g. a missing export).
 */
export async function buildVariants({ benchDir, outDir, names }) {
  mkdirSync(outDir, { recursive: true });
  const root = resolve(benchDir, '..');
  const options = buildOptions(root);
  // Our module beside the bundles, where the bundled entry's `new URL(…, import.meta.url)` points.
  const snapshot = join(root, PKG_SNAPSHOT);
  for (const file of readdirSync(snapshot).filter((f) => f.endsWith('.wasm'))) {
    copyFileSync(join(snapshot, file), join(outDir, file));
  }
  const result = {};
  for (const name of names) {
    const file = join(benchDir, 'variants', `${name}.js`);
    const source = readFileSync(file, 'utf8');
    try {
      const outfile = join(outDir, `${name}.js`);
      await build({ ...options, entryPoints: [file], outfile });
      const entry = libraryEntry(source);
      let libraryBytes = 0;
      let libraryMinBytes = 0;
      if (entry) {
        const lib = await build({
          ...options,
          stdin: { contents: entry, resolveDir: benchDir, loader: 'js', sourcefile: `${name}-library.js` },
          write: false,
        });
        const code = lib.outputFiles[0].contents;
        libraryMinBytes = code.length;
        libraryBytes = gzipBytes(code);
      }
      result[name] = { ok: true, bundleBytes: gzipBytes(readFileSync(outfile)), libraryBytes, libraryMinBytes, libraryEntry: entry };
    } catch (e) {
      const detail = e.errors?.map((x) => x.text).join('; ') || e.message;
      result[name] = { ok: false, reason: `its bundle could not be built: ${detail}` };
    }
  }
  return result;
}
