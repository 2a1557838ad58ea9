import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../k8s/kube-object.ts';
import { inspectCertificates } from '../sources/certificates/certificate-inspector.ts';
import { translate } from '../translate/translate.ts';
import { formatSeconds, renderSummary, renderTable, summaryRows, type SummaryRow } from './output-format.ts';

describe('output format helpers', () => {
  it.each([
    [0, '0s'],
    [10, '10s'],
    [90, '1m30s'],
    [3600, '1h'],
    [86461, '24h1m1s'],
  ])('formatSeconds(%d) = %s', (s, text) => {
    expect(formatSeconds(s)).toBe(text);
  });

  it('aligns table columns and trims trailing space', () => {
    expect(renderTable(['A', 'BB'], [['long', 'x'], ['s', '']])).toBe('A     BB\nlong  x\ns\n');
  });
});

describe('the summary flags certificates served but wrong', () => {
  // The one-day test certificate of expired.example.com (valid 2026-12-06T20:02:30Z to the next day),
  // the others for a century; wrong-names serves example.com's certificate for www.example.org.
  const objects = parseAllDocuments(readFileSync(join(import.meta.dirname, '..', 'translate', 'testdata', 'https-bad-certificates.in.yaml'), 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
  const summaryAt = (now: string): { rows: SummaryRow[]; text: string } => {
    const result = translate(objects, { certificates: inspectCertificates(objects), now });
    return { rows: summaryRows(result.ir, now), text: renderSummary(result.ir, result.statuses, now) };
  };
  const warningsOf = (rows: SummaryRow[], host: string): string | undefined => rows.find((r) => r.match.startsWith(`host ${host} `))?.warnings;

  it('in the WARNINGS column of every route the chain serves: expired, not yet valid, names that miss the hostname', () => {
    const after = summaryAt('2030-01-01T00:00:00.000Z');
    expect(warningsOf(after.rows, 'expired.example.com')).toBe('certificate default/expired expired');
    expect(warningsOf(after.rows, 'www.example.org')).toBe('certificate default/good names do not cover the hostname');
    expect(warningsOf(after.rows, 'example.com')).toBe('-');
    // The table shows the column, and the status notes say why.
    expect(after.text).toMatch(/host expired\.example\.com PathPrefix \/ .*certificate default\/expired expired/);
    expect(after.text).toContain('listener expired: Secret default/expired: certificate expired at 2026-12-07T20:02:30.000Z');

    const before = summaryAt('2026-01-01T00:00:00.000Z');
    expect(warningsOf(before.rows, 'expired.example.com')).toBe('certificate default/expired not yet valid');
    const during = summaryAt('2026-12-07T00:00:00.000Z');
    expect(warningsOf(during.rows, 'expired.example.com')).toBe('-');
  });

  it('judges nothing about time without a time', () => {
    const result = translate(objects, { certificates: inspectCertificates(objects) });
    expect(warningsOf(summaryRows(result.ir), 'expired.example.com')).toBe('-');
    expect(warningsOf(summaryRows(result.ir), 'www.example.org')).toBe('certificate default/good names do not cover the hostname');
  });
});
