import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The DCP app: built into web/dist and served by DCP itself at `/`.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
