// Imports point one way (README.md "Development" shows the folders). This reads every import in src/
// and checks it against the table below, so a pure folder cannot quietly start doing I/O or reach
// into a later stage. Only main.ts and app.ts (the composition root, which joins every part) are
// free; every other file, config.ts included, is checked.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

/** The files at src/ root that may import anything. */
const unchecked = new Set(['main.ts', 'app.ts']);

/**
 * Layer (first path segment under src/: a folder, or a root file) → what it may import: folders,
 * or single files (ending in .ts). `*` = anything.
 */
const allowed: Record<string, string[]> = {
  // The xDS limits are settings; their type and defaults live with the server that applies them.
  'config.ts': ['config.ts', 'log', 'xds/xds-limits.ts'],
  log: ['log'],
  ir: ['ir'],
  k8s: ['k8s'],
  status: ['status', 'k8s'],
  translate: ['translate', 'k8s', 'ir', 'status'],
  // Builders name proto3 JSON and message types, the codec's pure vocabulary; the codec never
  // imports the builders.
  envoy: ['envoy', 'ir', 'codec/json.ts', 'codec/message-type.ts'],
  codec: ['codec'],
  // The strict validator checks what the codec produces, through the codec's plain schemas.
  validator: ['validator', 'codec'],
  xds: ['xds', 'codec'],
  // The one effect loop joins the stages: translate, build, encode, and serve through the cache.
  rebuild: ['rebuild', 'translate', 'envoy', 'codec', 'ir', 'k8s', 'status', 'xds/resource-types.ts', 'xds/proto-wire.ts', 'sources/object-store.ts', 'admin/metrics.ts', 'log'],
  // Envoy rejections (xDS events) → route status.
  nacks: ['nacks', 'xds/resource-types.ts', 'xds/xds-events.ts', 'ir', 'k8s', 'status'],
  sources: ['sources', 'k8s', 'status', 'log'],
  admin: ['admin', 'xds', 'status', 'sources', 'k8s', 'codec'],
  // `tether certs`: issues certificates; shares the client identity form with the xDS server.
  certs: ['certs', 'xds/peer-identity.ts'],
  cli: ['*'],
  // Envoy fleets for Gateways: pure renderers (the bootstrap builder, the input model, install
  // facts naming certificate Secrets as `tether certs` does) and, at the edge, the controller that
  // applies them through the cluster source's informers, leadership and status.
  provision: ['provision', 'k8s', 'status', 'envoy/bootstrap.ts', 'envoy/envoy-json.ts', 'certs/cert-secrets.ts', 'certs/ensure-certificates.ts', 'sources/cluster', 'sources/object-store.ts'],
};

/** Folders that must stay pure: no node:*, no logger, no clock, no randomness. */
const pure = ['ir', 'k8s', 'translate', 'envoy'];
/** Pure files in impure folders: the codec's vocabulary, which the builders import. */
const pureFiles = new Set(['codec/json.ts', 'codec/message-type.ts', 'codec/resource-kinds.ts']);
/** The provisioner's edge: the only files in provision/ that talk to the API server. */
const provisionEdge = new Set(['provision/fleet-controller.ts', 'provision/apply-client.ts']);
const isPure = (file: string): boolean =>
  pure.includes(file.split('/')[0]) || pureFiles.has(file) || (file.startsWith('provision/') && !provisionEdge.has(file));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'testdata' ? [] : sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) out.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

const files = sourceFiles(src).map((f) => relative(src, f));
const checked = files.filter((f) => !unchecked.has(f));

describe('architecture', () => {
  it('has a rule for every folder and root file under src/', () => {
    const layers = [...new Set(checked.map((f) => f.split('/')[0]))].sort();
    expect(layers.filter((l) => !(l in allowed))).toEqual([]);
  });

  it.each(checked)('%s imports only what its layer may', (file) => {
    const layer = file.split('/')[0];
    const may = allowed[layer] ?? [];
    const problems: string[] = [];
    for (const spec of importsOf(join(src, file))) {
      if (!spec.startsWith('.')) {
        if (isPure(file) && (spec.startsWith('node:') || spec === 'pino' || spec === 'protobufjs')) problems.push(`${spec} (pure)`);
        if (spec === 'protobufjs' && layer !== 'codec') problems.push('protobufjs outside codec/');
        continue;
      }
      const target = relative(src, resolve(dirname(join(src, file)), spec));
      if (target.startsWith('..')) continue; // outside src/ (e.g. package.json)
      if (may.includes('*')) continue;
      const ok = may.some((m) => (m.endsWith('.ts') ? target === m : target === m || target.startsWith(`${m}/`)));
      if (!ok) problems.push(`${spec} → ${target}`);
    }
    expect(problems).toEqual([]);
  });

  it('keeps clocks and randomness out of pure code', () => {
    const offenders = files
      .filter(isPure)
      .filter((f) => /\b(Date\.now|new Date\(\)|Math\.random|performance\.now|process\.)/.test(readFileSync(join(src, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
