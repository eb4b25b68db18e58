import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is built into renderer/dist; both Electron (app://) and the web host serve it.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // No inline <script> or modulepreload polyfill: the CSP allows only 'self' scripts.
    modulePreload: { polyfill: false },
  },
});
