// metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), ANDed.
// An empty selector matches everything, as in Kubernetes.
import type { FieldReader } from './field-reader.ts';

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelSelectorRequirement[];
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export function parseLabelSelector(r: FieldReader, value: unknown, field: string): LabelSelector | undefined {
  const o = r.object(value, field);
  if (!o) return undefined;
  const before = r.problems.length;
  const matchLabels = r.stringMap(o.matchLabels, `${field}.matchLabels`);
  const matchExpressions: LabelSelectorRequirement[] = [];
  r.array(o.matchExpressions, `${field}.matchExpressions`).forEach((e, i) => {
    const f = `${field}.matchExpressions[${i}]`;
    const eo = r.object(e, f);
    if (!eo) return;
    const key = r.string(eo.key, `${f}.key`, { required: true, minLength: 1 });
    const operator = r.oneOf(eo.operator, `${f}.operator`, OPERATORS);
    const values = r.array(eo.values, `${f}.values`).filter((v, j) => {
      if (typeof v === 'string') return true;
      r.problem(`${f}.values[${j}]`, 'must be a string');
      return false;
    }) as string[];
    if (key === undefined || operator === undefined) return;
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      r.problem(`${f}.values`, `must not be empty for operator ${operator}`);
      return;
    }
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
      r.problem(`${f}.values`, `must be empty for operator ${operator}`);
      return;
    }
    matchExpressions.push({ key, operator, values });
  });
  // A selector with a malformed part must not match more than the user meant: refuse it whole.
  if (r.problems.length > before) return undefined;
  return { matchLabels, matchExpressions };
}

export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels)) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions) {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case 'In':
        if (!has || !e.values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && e.values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}
