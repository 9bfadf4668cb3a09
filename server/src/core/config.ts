import { availableParallelism } from 'node:os';
import path from 'node:path';

/** Every environment variable Caucus reads, parsed once; an empty value counts as unset (compose passes them so). README and .env.example list them. */
export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  publicUrl: URL;
  trustProxy: boolean | number | string;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: string;
  production: boolean;
  /** `caucus serve` runs the job workers too (JOBS_IN_PROCESS, default true); false leaves them to `caucus worker`. */
  jobsInProcess: boolean;
  /** Posts and comments a member may write per minute (RATE_LIMIT_POSTS_PER_MINUTE; comments get twice as many). */
  postsPerMinute: number;
  media: MediaConfig;
}

/** Uploads: the cap, the processing bounds and where the files go (local disk unless S3_BUCKET is set). */
export interface MediaConfig {
  maxBytes: number;
  maxPixels: number;
  /** Images processed at once; the others wait in line (a burst must not starve the API). */
  workers: number;
  s3: S3Config | null;
}

export interface S3Config {
  bucket: string;
  endpoint: string | undefined;
  region: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  forcePathStyle: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const publicUrl = new URL(env.PUBLIC_URL || `http://localhost:${port}`);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    host: env.HOST || '127.0.0.1',
    port,
    publicUrl,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || `Caucus <no-reply@${publicUrl.hostname}>`,
    logLevel: env.LOG_LEVEL || 'info',
    production: env.NODE_ENV === 'production',
    jobsInProcess: parseBoolean(env, 'JOBS_IN_PROCESS', true),
    postsPerMinute: positiveInteger(env, 'RATE_LIMIT_POSTS_PER_MINUTE', 30),
    media: loadMediaConfig(env),
  };
}

const MB = 1024 * 1024;

function loadMediaConfig(env: NodeJS.ProcessEnv): MediaConfig {
  const bucket = env.S3_BUCKET || undefined;
  return {
    maxBytes: positiveInteger(env, 'MEDIA_MAX_BYTES', 20 * MB),
    maxPixels: positiveInteger(env, 'MEDIA_MAX_PIXELS', 50_000_000),
    workers: positiveInteger(env, 'MEDIA_WORKERS', Math.max(1, availableParallelism() - 1)),
    s3: bucket
      ? {
        bucket,
        endpoint: env.S3_ENDPOINT || undefined,
        region: env.S3_REGION || 'us-east-1',
        accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
        secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
        // MinIO and Garage want path-style URLs (http://host/bucket/key); AWS accepts both.
        forcePathStyle: env.S3_FORCE_PATH_STYLE ? env.S3_FORCE_PATH_STYLE !== 'false' : Boolean(env.S3_ENDPOINT),
      }
      : null,
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

function parseBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (!raw) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${env[name]}"`);
}

// X-Forwarded-For is believed only when the operator says a proxy stands in front.
function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (!value || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
