// Vite build of the web client: four pages served by the engine under /app/ (Settings.static_dir).
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/app/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 3000,
    rollupOptions: {
      input: {
        index: resolve(root, 'index.html'),
        check: resolve(root, 'check.html'),
        admin: resolve(root, 'admin.html'),
        results: resolve(root, 'results.html'),
      },
    },
  },
  server: {
    // `npm run dev` next to `voting-engine serve --port 8080`
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
