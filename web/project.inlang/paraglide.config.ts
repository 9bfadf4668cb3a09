import { defineConfig } from '@inlang/paraglide-js';

// Read by both the Vite plugin (build, dev) and the CLI (`pnpm check`), so they compile alike.
export default defineConfig({
  outdir: './src/lib/paraglide',
  // The visitor's choice (footer form), then the browser's languages, then French.
  strategy: ['cookie', 'preferredLanguage', 'baseLocale'],
  emitTsDeclarations: true,
  isServer: 'import.meta.env.SSR',
});
