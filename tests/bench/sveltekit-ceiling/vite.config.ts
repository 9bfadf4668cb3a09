// The SvelteKit ceiling, built like the web app (adapter-node, runes) and nothing more.
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit({ adapter: adapter(), compilerOptions: { runes: true } })],
});
