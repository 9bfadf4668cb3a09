// `pnpm bench` (media part; alone: `pnpm bench:media`): images processed per second for
// 12-megapixel phone JPEGs made by sharp, WebP against AVIF for the largest variant, and, on the
// built server, the memory peak during a burst of 20 concurrent uploads with the home feed's p99
// during that burst against its idle value (target: under 2×).
import { readFileSync, readdirSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import sharp, { type Sharp } from 'sharp';
import { freePort, startThrowawayPostgres } from '../support/postgres.ts';
import { caucus, repoRoot, startServer } from '../support/server.ts';
import { sessionsFor } from './lib.ts';

const BURST = Number(process.env.BENCH_MEDIA_BURST ?? 20);
const PHOTOS = Number(process.env.BENCH_MEDIA_PHOTOS ?? 6);
const FEED_CONNECTIONS = Number(process.env.BENCH_MEDIA_CONNECTIONS ?? 10);
const IDLE_SECONDS = Number(process.env.BENCH_DURATION ?? 10);

/** A 4000 × 3000 "phone photo": gradients, shapes and sensor noise, JPEG q90, EXIF orientation and GPS. */
async function phonePhoto(seed: number): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const hue = (seed * 47) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},60%,70%)"/><stop offset="1" stop-color="hsl(${(hue + 140) % 360},50%,30%)"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    ${Array.from({ length: 40 }, (_, i) => `<circle cx="${(i * 397 + seed * 131) % width}" cy="${(i * 211 + seed * 71) % height}" r="${60 + ((i * 37) % 300)}" fill="hsl(${(hue + i * 29) % 360},55%,${30 + (i % 5) * 10}%)" fill-opacity="0.7"/>`).join('')}
  </svg>`;
  const noise = await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 14 } } }).raw().toBuffer();
  return sharp(Buffer.from(svg))
    .composite([{ input: noise, raw: { width, height, channels: 3 }, blend: 'soft-light' }])
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Make: 'Bench', Model: 'Phone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '45/1 45/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '4/1 50/1 0/1' } })
    .toBuffer();
}

/** Through the server's own worker processes: images per second with one worker, and with more. */
async function throughput(files: string[]): Promise<Record<string, number>> {
  const { createMediaWorkers } = await import('../../server/src/features/media/worker-pool.ts');
  const log = { warn: console.warn, error: console.error } as unknown as Parameters<typeof createMediaWorkers>[0]['log'];
  const run = async (size: number) => {
    const workers = createMediaWorkers({ size, maxWaiting: 1000, nice: 10, timeoutMs: 600_000, log });
    try {
      const started = performance.now();
      await Promise.all(files.map((file) => workers.process(file, readFileSync(file).length, 'post', 50_000_000)));
      return +(files.length / ((performance.now() - started) / 1000)).toFixed(2);
    } finally {
      await workers.close();
    }
  };
  await run(1); // warm-up
  const byDefault = Math.max(1, availableParallelism() - 1); // MEDIA_WORKERS' default
  const figures: Record<string, number> = {};
  for (const size of new Set([1, byDefault, availableParallelism()])) figures[`${size} worker${size > 1 ? 's' : ''}${size === byDefault ? ' (default)' : ''}`] = await run(size);
  return figures;
}

/** The largest post variant (1920 px) encoded both ways from the same pixels, at the settings each would use. */
async function webpVersusAvif(file: string) {
  const base = await sharp(file).autoOrient().resize({ width: 1920, height: 1920, fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
  const time = async (encode: (image: Sharp) => Sharp) => {
    const started = performance.now();
    const out = await encode(sharp(base.data, { raw: base.info })).toBuffer();
    return { ms: Math.round(performance.now() - started), bytes: out.length };
  };
  const webp = await time((image) => image.webp({ quality: 80, effort: 2 }));
  const webpEffort4 = await time((image) => image.webp({ quality: 80, effort: 4 }));
  const avif = await time((image) => image.avif({ quality: 50, effort: 4 }));
  return {
    webp,
    webpEffort4,
    avif,
    avifBytesSaved: `${Math.round((1 - avif.bytes / webp.bytes) * 100)}%`,
    avifTimeFactor: +(avif.ms / webp.ms).toFixed(1),
    decision: 'WebP only: AVIF would cost this many times the CPU of every upload for the bytes saved; served over a campaign network it does not pay off.',
  };
}

/** Resident memory (MB) of the server, of its media worker processes, and of both. */
function rssOf(pid: number): { rss: number; server: number; workers: number; workerProcesses: number } {
  const kb = (id: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${id}/status`, 'utf8'))?.[1] ?? 0);
  const children = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number).filter((id) => {
    try {
      const stat = readFileSync(`/proc/${id}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    } catch {
      return false;
    }
  });
  const server = kb(pid);
  const workers = children.reduce((sum, id) => sum + kb(id), 0);
  return { rss: Math.round((server + workers) / 1024), server: Math.round(server / 1024), workers: Math.round(workers / 1024), workerProcesses: children.length };
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'caucus-bench-media-'));
  const external = process.env.BENCH_DATABASE_URL;
  const cluster = external ? null : await startThrowawayPostgres();
  const stops: Array<() => Promise<void> | void> = [() => rmSync(work, { recursive: true, force: true })];
  try {
    const files: string[] = [];
    for (let i = 0; i < PHOTOS; i++) {
      const file = path.join(work, `phone-${i}.jpg`);
      writeFileSync(file, await phonePhoto(i));
      files.push(file);
    }
    const processing = await throughput(files);
    const formats = await webpVersusAvif(files[0]!);

    const adminUrl = external ?? cluster!.url;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS caucus_bench_media WITH (FORCE)');
    await admin.query('CREATE DATABASE caucus_bench_media');
    await admin.end();
    const dbUrl = new URL(adminUrl);
    dbUrl.pathname = '/caucus_bench_media';
    const env = { DATABASE_URL: dbUrl.toString(), DATA_DIR: path.join(work, 'data') };
    await caucus(['migrate'], env);
    await caucus(['seed', '--demo'], env);

    const server = await startServer({ ...env, PORT: String(await freePort()) }, { quiet: true });
    stops.push(() => server.stop());
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM members WHERE email = 'lucas_m@demo.caucus.test'`);
    await client.end();
    const [cookie] = await sessionsFor(env.DATABASE_URL, [rows[0]!.id]);
    const headers = { cookie: cookie!, origin: server.url };
    const feedUrl = `${server.url}/api/v1/feed`;
    if ((await fetch(feedUrl, { headers })).status !== 200) throw new Error('the bench member cannot read their feed');

    // Idle: the feed alone.
    await autocannon({ url: feedUrl, connections: FEED_CONNECTIONS, duration: 2, headers });
    const idle = await autocannon({ url: feedUrl, connections: FEED_CONNECTIONS, duration: IDLE_SECONDS, headers });
    const before = rssOf(server.process.pid!);
    const loadBeforeBurst = loadavg()[0]!;

    // The burst: 20 uploads at once of 12-megapixel photos, while the feed is read as before.
    const payloads = files.map((file) => readFileSync(file));
    const peak = { ...before };
    const sampler = setInterval(() => {
      const now = rssOf(server.process.pid!);
      if (now.rss > peak.rss) Object.assign(peak, now);
    }, 50);
    let feed: autocannon.Instance | undefined;
    const feedResult = new Promise<autocannon.Result>((resolve, reject) => {
      feed = autocannon({ url: feedUrl, connections: FEED_CONNECTIONS, duration: 600, headers }, (error, result) => (error ? reject(error) : resolve(result)));
    });
    const burstStarted = performance.now();
    const statuses = await Promise.all(Array.from({ length: BURST }, async (_, i) => {
      const form = new FormData();
      form.append('alt', `Photo ${i + 1} du rassemblement`);
      form.append('file', new Blob([new Uint8Array(payloads[i % payloads.length]!)], { type: 'image/jpeg' }), `IMG_${1000 + i}.jpg`);
      const response = await fetch(`${server.url}/api/v1/media?purpose=post`, { method: 'POST', headers, body: form });
      return response.status;
    }));
    const burstSeconds = (performance.now() - burstStarted) / 1000;
    feed!.stop();
    const during = await feedResult;
    clearInterval(sampler);
    const after = rssOf(server.process.pid!);
    const loadDuringBurst = loadavg()[0]!;
    if (statuses.some((status) => status !== 201)) throw new Error(`uploads failed: ${statuses.join(', ')}`);
    // Idle again once the workers are done: the machine is shared, so its load drifts; the burst is
    // compared with the idle runs on both sides of it.
    const idleAfter = await autocannon({ url: feedUrl, connections: FEED_CONNECTIONS, duration: IDLE_SECONDS, headers });
    const idleP99 = (idle.latency.p99 + idleAfter.latency.p99) / 2;

    const figures = {
      machine: { cpus: availableParallelism(), node: process.version, sharp: sharp.versions.sharp, libvips: sharp.versions.vips },
      processing: { photo: '4000 × 3000 JPEG q90 (12 MP), EXIF orientation and GPS', variants: 'WebP 320/640/1280/1920 + thumbhash', imagesPerSecond: processing },
      formats,
      burst: {
        uploads: BURST,
        megabytesSent: +(Array.from({ length: BURST }, (_, i) => payloads[i % payloads.length]!.length).reduce((a, b) => a + b, 0) / 1e6).toFixed(1),
        seconds: +burstSeconds.toFixed(1),
        imagesPerSecondOverHttp: +(BURST / burstSeconds).toFixed(2),
        // The server and its media workers together, sampled every 50 ms.
        rssMb: { beforeBurst: before, peakDuringBurst: peak, afterBurst: after },
      },
      feedApi: {
        connections: FEED_CONNECTIONS,
        idleBefore: { requestsPerSecond: Math.round(idle.requests.average), p50Ms: idle.latency.p50, p99Ms: idle.latency.p99 },
        idleAfter: { requestsPerSecond: Math.round(idleAfter.requests.average), p50Ms: idleAfter.latency.p50, p99Ms: idleAfter.latency.p99 },
        duringBurst: { requestsPerSecond: Math.round(during.requests.average), p50Ms: during.latency.p50, p99Ms: during.latency.p99, errors: during.errors, non2xx: during.non2xx },
        p99Ratio: +(during.latency.p99 / idleP99).toFixed(2),
        // The 1-minute load average of the (shared) machine: other work than this benchmark shows here.
        loadAverage: { beforeBurst: +loadBeforeBurst.toFixed(2), endOfBurst: +loadDuringBurst.toFixed(2) },
        target: '< 2',
      },
    };
    const json = JSON.stringify(figures, null, 2);
    console.log(json);
    mkdirSync(path.join(repoRoot, 'tests/bench/results'), { recursive: true });
    writeFileSync(path.join(repoRoot, 'tests/bench/results/media.json'), json);
  } finally {
    for (const stop of stops.reverse()) await stop();
    cluster?.stop();
  }
}

await main();
