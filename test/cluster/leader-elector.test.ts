// Lease election between replicas sharing one fake API server: one leader at a time, hand-over
// when the leader can no longer renew, and release on stop.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import { LeaderElector, defaultIdentity } from '../../src/sources/cluster/leader-elector.ts';
import { CORE_RESOURCES, FakeApiServer } from '../support/fake-apiserver.ts';
import { sleep, waitFor } from './wait-for.ts';

const TIMING = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 };

describe('LeaderElector', () => {
  let api: FakeApiServer;
  const electors: LeaderElector[] = [];

  beforeEach(async () => {
    api = await FakeApiServer.start({ resources: CORE_RESOURCES });
  });
  afterEach(async () => {
    await Promise.all(electors.splice(0).map((e) => e.stop()));
    await api.close();
  });

  function elector(identity: string, changes: boolean[] = []): LeaderElector {
    const e = new LeaderElector({
      kubeConfig: api.kubeConfig(identity),
      namespace: 'tether-system',
      identity,
      logger: silentLogger(),
      onChange: (l) => changes.push(l),
      ...TIMING,
    });
    electors.push(e);
    return e;
  }

  const lease = () => api.get('coordination.k8s.io/v1', 'Lease', 'tether-leader', 'tether-system') as { spec: Record<string, unknown> } | undefined;

  it('elects exactly one of two replicas and keeps it while it renews', async () => {
    const a = elector('a');
    const b = elector('b');
    a.start();
    await waitFor('a leads', () => a.isLeader);
    b.start();
    await sleep(1500); // longer than the lease: renewals keep it
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    expect(lease()?.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 1, leaseTransitions: 0 });
    expect(typeof lease()?.spec.renewTime).toBe('string');
  });

  it('hands over when the leader cannot renew: it steps down before the follower takes the lease', async () => {
    const events: string[] = [];
    const a = elector('a');
    const b = elector('b');
    a.start();
    await waitFor('a leads', () => a.isLeader);
    b.start();
    await sleep(200);
    const watchA = setInterval(() => !a.isLeader && !events.includes('a down') && events.push('a down'), 5);
    const watchB = setInterval(() => b.isLeader && !events.includes('b up') && events.push('b up'), 5);
    try {
      api.inject({ resource: 'leases', token: 'a', status: 500, times: Infinity });
      const cut = Date.now();
      await waitFor('a steps down', () => !a.isLeader, 3000);
      const steppedDown = Date.now() - cut;
      await waitFor('b leads', () => b.isLeader, 5000);
      await sleep(20);
      // Safety: never two writers. Promptness: within the renew deadline, give or take timers.
      expect(events).toEqual(['a down', 'b up']);
      expect(steppedDown).toBeLessThan(TIMING.leaseDurationMs);
    } finally {
      clearInterval(watchA);
      clearInterval(watchB);
    }
    expect(lease()?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('releases the lease on stop so a follower takes over without waiting for expiry', async () => {
    const a = elector('a');
    const b = elector('b');
    a.start();
    await waitFor('a leads', () => a.isLeader);
    b.start();
    await sleep(150);
    await a.stop();
    expect(a.isLeader).toBe(false);
    const t = Date.now();
    await waitFor('b leads', () => b.isLeader, 3000);
    expect(Date.now() - t).toBeLessThan(TIMING.leaseDurationMs);
  });

  it('takes identity from POD_NAME, else the hostname with a random suffix', () => {
    expect(defaultIdentity({ POD_NAME: 'tether-abc' })).toBe('tether-abc');
    expect(defaultIdentity({})).toMatch(/_[0-9a-f]{8}$/);
    expect(defaultIdentity({})).not.toBe(defaultIdentity({}));
  });
});
