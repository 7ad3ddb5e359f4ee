/**
 * Vite build of the web console: web/ → dist/console (index.html + hashed assets under assets/), served by
 * `hostnet serve` at `/`. scripts/build-console.mjs runs it (with a type check first) and precompresses the output.
 * `npx vite --config web/vite.config.ts` serves it for development with /api proxied to HOSTNET_DEV_API.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    chunkSizeWarningLimit: 200,
  },
  server: {
    proxy: { '/api': { target: process.env['HOSTNET_DEV_API'] ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
})
