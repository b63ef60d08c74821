import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const consoleDir = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web console: built into <package>/dist/console, which `amber server` serves at `/`
 * (src/server/console-static.ts). `npm run dev:console` proxies /api to a server on 127.0.0.1:8420.
 */
export default defineConfig({
  root: consoleDir,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Vite's modulepreload polyfill would be an extra script; every browser the console supports has it.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 600,
  },
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:8420' } },
});
