import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The build's copy of pdf.js's worker (dist/pdfjs-text-worker.mjs) is loaded by Node as it is, like the
    // pdf.js modules in node_modules, not transformed by Vite.
    server: { deps: { external: [/\/dist\/pdfjs-text-worker\.mjs$/] } },
  },
});
