import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// A stock config: no wasm plugin. The package's entry loads its module with
// `new URL('./fetch_with_refresh_bg.wasm', import.meta.url)`, which Vite emits as an asset.
export default defineConfig({
  base: '/',
  plugins: [vue()],
  build: { outDir: 'dist' },
});
