// The stock config of a Vite + Vue app: no plugin for the WebAssembly module.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
});
