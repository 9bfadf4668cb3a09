import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { createScratchDatabase, freePort } from '../support/postgres.ts';
import { caucus, repoRoot, startServer, type RunningServer } from '../support/server.ts';

export const PASSWORD = 'Tulipe-Rouge-2027!';
export const artifacts = path.join(repoRoot, 'tests/e2e/artifacts');

export interface Caucus {
  url: string;
  server: RunningServer;
  browser: Browser;
  /** Requests any page made to another origin (must stay empty). */
  foreignRequests: string[];
  /** A fresh browser profile: its own cookies, like another person or another device. */
  newContext(options?: { width?: number; height?: number; locale?: string }): Promise<BrowserContext>;
  /** Runs `caucus <args>` against this network's database. */
  cli(args: string[]): Promise<string>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A new network (own database, own server) and a headless Chromium to drive it. `prepare` runs
 * `caucus` commands (e.g. `seed --demo`) before the server starts: the embedded engine belongs to
 * one process at a time.
 */
export async function startCaucus(options: { prepare?: string[][] } = {}): Promise<Caucus> {
  const baseUrl = inject('databaseUrl');
  const env: Record<string, string> = {};
  const cleanups: Array<() => Promise<void> | void> = [];
  if (baseUrl) {
    const scratch = await createScratchDatabase(baseUrl);
    env.DATABASE_URL = scratch.url;
    cleanups.push(scratch.drop);
  }
  // Its own files too: the embedded database, when there is no PostgreSQL, and the uploaded media.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'caucus-e2e-'));
  env.DATA_DIR = dataDir;
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  try {
    for (const args of options.prepare ?? []) await caucus(args, env);
  } catch (error) {
    for (const cleanup of cleanups) await cleanup();
    throw error;
  }
  const server = await startServer({ ...env, PORT: String(await freePort()) });
  // Playwright gives the browser a fresh, empty profile of its own.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  }).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  mkdirSync(artifacts, { recursive: true });
  const foreignRequests: string[] = [];
  return {
    url: server.url,
    foreignRequests,
    server,
    browser,
    async newContext(options = {}) {
      const context = await browser.newContext({
        baseURL: server.url,
        viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
        locale: options.locale ?? 'fr-FR',
      });
      // No page may reach another origin: every such request is recorded, and the tests assert none.
      context.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith(`${server.url}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) foreignRequests.push(url);
      });
      return context;
    },
    cli: (args) => caucus(args, env),
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
    },
    async close() {
      await browser.close();
      await server.stop();
      for (const cleanup of cleanups) await cleanup();
    },
  };
}
