// Fallback check of docker-compose.yml for machines where Debian's docker-compose cannot
// be installed (.ci/run uses it only then). Not a full Compose validator: parses the YAML
// and checks what a typo would most likely break.
//   NODE_PATH=<dir holding the `yaml` package> node .ci/check-compose.mjs docker-compose.yml
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

// The `yaml` package is not a project dependency: .ci/run installs it aside, on NODE_PATH,
// which only CommonJS resolution reads.
const load = createRequire(import.meta.url);
const YAML = load('yaml');

const file = process.argv[2] ?? 'docker-compose.yml';
const dir = path.dirname(path.resolve(file));
const problems = [];
const text = fs.readFileSync(file, 'utf8');
const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
for (const e of [...doc.errors, ...doc.warnings]) problems.push(e.message);
const c = doc.toJS({ maxAliasCount: 100 }) ?? {};

const topLevel = new Set(['services', 'volumes', 'networks', 'configs', 'secrets']);
for (const k of Object.keys(c)) {
  if (!topLevel.has(k) && !k.startsWith('x-')) problems.push(`unknown top-level key: ${k}`);
}
const services = c.services ?? {};
const volumes = c.volumes ?? {};
for (const name of ['app', 'db', 'caddy']) {
  if (!services[name]) problems.push(`missing service: ${name}`);
}
for (const [name, s] of Object.entries(services)) {
  if (!s.image && !s.build) problems.push(`${name}: neither image nor build`);
  if (s.build?.dockerfile && !fs.existsSync(path.join(dir, s.build.context ?? '.', s.build.dockerfile))) {
    problems.push(`${name}: no such Dockerfile: ${s.build.dockerfile}`);
  }
  for (const f of [s.env_file ?? []].flat()) {
    if (!fs.existsSync(path.join(dir, f))) problems.push(`${name}: env_file not found: ${f}`);
  }
  const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
  for (const d of deps) if (!services[d]) problems.push(`${name}: depends_on unknown service ${d}`);
  for (const v of s.volumes ?? []) {
    const src = typeof v === 'string' ? v.split(':')[0] : v.source;
    if (!src || src.startsWith('.') || src.startsWith('/')) {
      if (src && !fs.existsSync(path.join(dir, src))) problems.push(`${name}: bind mount not found: ${src}`);
    } else if (!(src in volumes)) {
      problems.push(`${name}: volume ${src} not declared under volumes:`);
    }
  }
  for (const p of s.ports ?? []) {
    if (typeof p !== 'string') problems.push(`${name}: port ${p} should be quoted`);
  }
}

// Every ${VAR} the file interpolates must be documented in .env.example.
const example = fs.readFileSync(path.join(dir, '.env.example'), 'utf8');
const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
const uncommented = text.replace(/^\s*#.*$/gm, '');
for (const m of uncommented.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) {
  if (!documented.has(m[1])) problems.push(`\${${m[1]}} is not documented in .env.example`);
}

if (problems.length) {
  console.error(`${file}: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(`${file}: YAML parses; ${Object.keys(services).length} services checked (not validated by docker-compose)`);
