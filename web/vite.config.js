// Vite: builds index.html + src/ into dist/ (served by tocsin serve at /). In
// development (`npm run dev`) /api is proxied to TOCSIN_URL or the mock on :8088.
import { defineConfig } from 'vite';

const target = process.env.TOCSIN_URL || 'http://127.0.0.1:8088';

export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500, sourcemap: false },
  server: { port: 5173, proxy: { '/api': { target, changeOrigin: true } } },
});
