import { describe, expect, it } from 'vitest';
import { NackTracker } from './nack-tracker.ts';
import { TypeUrl } from '../xds/resource-types.ts';

describe('NackTracker', () => {
  it('holds a NACK per Gateway and type until a different version of that type is ACKed', () => {
    let changes = 0;
    const t = new NackTracker(() => changes++);
    const nack = { gateway: 'default/gw', typeUrl: TypeUrl.cluster, message: 'bad', resourceNames: ['c1'], version: 'v2' };
    t.nacked(nack);
    t.nacked(nack); // the same NACK from another Envoy of the fleet: no new change
    expect(changes).toBe(1);
    expect(t.list()).toEqual([{ gateway: 'default/gw', typeUrl: TypeUrl.cluster, message: 'bad', resourceNames: ['c1'] }]);

    t.acked('default/gw', TypeUrl.route, 'r9'); // another type
    t.acked('other/gw', TypeUrl.cluster, 'v3'); // another Gateway
    t.acked('default/gw', TypeUrl.cluster, 'v2'); // the rejected version itself
    expect(t.list()).toHaveLength(1);
    expect(changes).toBe(1);

    t.acked('default/gw', TypeUrl.cluster, 'v3');
    expect(t.list()).toEqual([]);
    expect(changes).toBe(2);
  });
});
