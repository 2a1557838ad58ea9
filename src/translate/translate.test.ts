// Golden cases: testdata/<case>.in.yaml (Kubernetes objects) → testdata/<case>.out.yaml (the IR,
// statuses and ignored objects). Regenerate with `npx vitest run src/translate -u`. Certificates are
// parsed as the sources parse them, and judged at a fixed time: the test certificates in HTTPS
// cases are valid for a century from their creation, except `expired.example.com` (one day).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../k8s/kube-object.ts';
import { translate, type TranslateOptions } from './translate.ts';
import { inspectCertificates } from '../sources/certificates/certificate-inspector.ts';
import { inspectCaBundles } from '../sources/certificates/ca-bundle-inspector.ts';

const dir = join(import.meta.dirname, 'testdata');
const files = readdirSync(dir);
const cases = files.filter((f) => f.endsWith('.in.yaml')).map((f) => f.slice(0, -'.in.yaml'.length));

/** A fixed "now", after the one-day test certificate expired and long before the others do. */
const NOW = '2030-01-01T00:00:00.000Z';

function options(objects: readonly KubeObject[]): TranslateOptions {
  return { certificates: inspectCertificates(objects), caBundles: inspectCaBundles(objects), now: NOW };
}

function readObjects(path: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

describe('translate golden cases', () => {
  it('has cases, and every output has its input', () => {
    expect(cases.length).toBeGreaterThan(0);
    const orphans = files.filter((f) => f.endsWith('.out.yaml') && !cases.includes(f.slice(0, -'.out.yaml'.length)));
    expect(orphans).toEqual([]);
  });

  for (const name of cases) {
    it(name, async () => {
      const objects = readObjects(join(dir, `${name}.in.yaml`));
      const result = translate(objects, options(objects));
      await expect(stringify(result, { lineWidth: 0, aliasDuplicateObjects: false })).toMatchFileSnapshot(join(dir, `${name}.out.yaml`));
    });
  }

  it('is deterministic and does not depend on input order', () => {
    for (const name of cases) {
      const objects = readObjects(join(dir, `${name}.in.yaml`));
      expect(translate([...objects].reverse(), options(objects))).toEqual(translate(objects, options(objects)));
    }
  });
});
