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
  };
}

// X-Forwarded-For is believed only when the operator says a proxy stands in front.
function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (!value || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
