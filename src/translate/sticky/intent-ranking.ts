// Which intents reach a route rule, and in what order they speak. Two steps:
// - policies of one class on one target conflict when their settings differ: the oldest wins, the
//   others are Conflicted there (identical settings apply together, as twins);
// - the intents that reach a rule (its own, its route's, its backend Services', its listeners', its
//   Gateway's) are ranked most specific first (rule > route > Service > listener > Gateway), then
//   Gateway API > SessionPolicy > vendor, then a Service port's own settings before the Service's,
//   then oldest.
import { DEFAULT_COOKIE_PATH } from './defaults.ts';
import type { StickyIntentInput } from './sticky-context.ts';
import { describeOrigin, type StickyDialect, type StickyIntent } from './sticky-intent.ts';
import type { StickyRuleInput } from './sticky-resolver.ts';
import { describeTarget, targetKey, type StickyTarget } from './sticky-target.ts';

const LEVEL_RANK: Record<StickyTarget['level'], number> = { rule: 0, route: 1, service: 2, listener: 3, gateway: 4 };
const DIALECT_RANK: Record<StickyDialect, number> = { 'gateway-api': 0, 'session-policy': 1, vendor: 2 };

/** An intent that reaches a rule, with how many of the rule's backends it covers (a Service intent may cover only some). */
export interface RankedIntent {
  intent: StickyIntent;
  coveredBackends: number;
}

/**
 * Canonical text of what an intent asks for, to tell identical policies from conflicting ones. A
 * cookie Path left unset counts as the default, so writing the default changes nothing.
 */
function settingsKey(i: Pick<StickyIntent, 'session' | 'strict' | 'draining' | 'balancer'>): string {
  const s = i.session;
  const session =
    s?.type === 'cookie' ? { type: s.type, name: s.name, path: s.path ?? DEFAULT_COOKIE_PATH, ttlSeconds: s.ttlSeconds, attributes: s.attributes, secure: s.secure, sameSite: s.sameSite } : s;
  return JSON.stringify([session ?? null, i.strict ?? null, i.draining ?? null, i.balancer ?? null]);
}

function compareAge(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Oldest wins among policies of one class on one target; identical settings apply together. */
function resolveConflicts(intents: readonly StickyIntentInput[]): StickyIntent[] {
  const groups = new Map<string, StickyIntentInput[]>();
  for (const i of intents) {
    const port = i.target.level === 'service' && i.target.port !== undefined ? `|${i.target.port}` : '';
    const key = `${i.conflictClass}|${targetKey(i.target)}${port}`;
    const g = groups.get(key) ?? [];
    g.push(i);
    groups.set(key, g);
  }
  const out: StickyIntent[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => compareAge(a.age, b.age));
    const winner = group[0];
    const twins: StickyIntent['twins'] = [];
    for (const other of group.slice(1)) {
      if (!other.record || other.record === winner.record) continue;
      if (settingsKey(other) === settingsKey(winner)) {
        twins.push(other.record);
        other.record.targets.push(other.target);
      } else {
        other.record.conflicts.push(
          `${describeTarget(other.target)} is also targeted by older ${winner.record ? `${winner.record.ref.kind} ${winner.record.ref.namespace}/${winner.record.ref.name}` : describeOrigin(winner.origin)} with different settings; the older one wins`,
        );
      }
    }
    winner.record?.targets.push(winner.target);
    out.push(twins.length > 0 ? { ...winner, twins } : winner);
  }
  return out;
}

export class IntentRanking {
  /** Conflict winners by target key. */
  private readonly index = new Map<string, StickyIntent[]>();

  /** Resolves conflicts among `intents` (recording them on the losers' records) and indexes the winners. */
  constructor(intents: readonly StickyIntentInput[]) {
    for (const i of resolveConflicts(intents)) {
      const key = targetKey(i.target);
      const list = this.index.get(key) ?? [];
      list.push(i);
      this.index.set(key, list);
    }
  }

  /** The policy intents that reach `input`'s rule, most specific first. */
  candidates(input: StickyRuleInput): RankedIntent[] {
    if (this.index.size === 0) return []; // no policy of any dialect: the common case, kept cheap
    const { route, gateway } = input;
    const keys: string[] = [];
    if (input.ruleName !== undefined) keys.push(targetKey({ level: 'rule', route, ruleName: input.ruleName }));
    keys.push(targetKey({ level: 'route', route }));
    const services = [...new Set(input.backends.map((b) => `${b.namespace}|${b.name}`))];
    for (const s of services) keys.push(`service|${s}`);
    for (const l of input.listenerNames) keys.push(targetKey({ level: 'listener', gateway, listener: l }));
    keys.push(targetKey({ level: 'gateway', gateway }));
    const out: RankedIntent[] = [];
    for (const key of new Set(keys)) {
      for (const intent of this.index.get(key) ?? []) {
        const t = intent.target;
        let covered = input.backends.length;
        if (t.level === 'service') {
          covered = input.backends.filter((b) => b.namespace === t.namespace && b.name === t.name && (t.port === undefined || t.port === b.port)).length;
          if (covered === 0) continue;
        }
        out.push({ intent, coveredBackends: covered });
      }
    }
    out.sort((a, b) => {
      const x = a.intent;
      const y = b.intent;
      const portFirst = (t: StickyTarget) => (t.level === 'service' && t.port !== undefined ? 0 : 1);
      return (
        LEVEL_RANK[x.target.level] - LEVEL_RANK[y.target.level] ||
        DIALECT_RANK[x.dialect] - DIALECT_RANK[y.dialect] ||
        portFirst(x.target) - portFirst(y.target) ||
        compareAge(x.age, y.age)
      );
    });
    return out;
  }
}
