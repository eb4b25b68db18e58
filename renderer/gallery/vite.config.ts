import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The gallery: the real app over the fixed world of renderer/src/testing (no core, no hub), for
// the visual snapshots and accessibility checks of e2e/visual.spec.ts. Never shipped.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: { outDir: '../dist-gallery', emptyOutDir: true, target: 'es2022', modulePreload: { polyfill: false } },
});
