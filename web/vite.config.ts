import { paraglideVitePlugin } from '@inlang/paraglide-js';
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { announcerStyleHash } from './csp-announcer.ts';

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter(),
      compilerOptions: {
        // Runes everywhere in our code; libraries decide for themselves.
        runes: ({ filename }) => (filename.split(/[/\\]/).includes('node_modules') ? undefined : true),
      },
      csp: {
        // Nonces on rendered pages (the hydration script), hashes if a page is ever prerendered.
        mode: 'auto',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          'style-src': ['self'],
          // The one inline style attribute SvelteKit renders (its route announcer), by its hash.
          'style-src-attr': ['unsafe-hashes', announcerStyleHash()],
          'img-src': ['self', 'data:'],
          'connect-src': ['self'],
          'font-src': ['self'],
          'object-src': ['none'],
          'base-uri': ['self'],
          'form-action': ['self'],
          'frame-ancestors': ['none'],
        },
      },
    }),
    // Options live in project.inlang/paraglide.config.ts, shared with the CLI.
    paraglideVitePlugin({ project: './project.inlang' }),
  ],
});
