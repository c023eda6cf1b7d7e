import type { KubernetesObject } from '@kubernetes/client-node';
import { ObjectIndex } from '../../../src/kube/object-index.ts';

type Pointer = KubernetesObject & { spec: { targets: string[] } };

const pointer = (namespace: string, name: string, ...targets: string[]): Pointer => ({ metadata: { namespace, name }, spec: { targets } });

describe('ObjectIndex', () => {
  const byTarget = () => new ObjectIndex<Pointer>((obj) => obj.spec.targets);

  it('finds objects by each value they are indexed under, within their namespace', () => {
    const index = byTarget();
    index.set(pointer('a', 'one', 'web', 'web-primary'));
    index.set(pointer('a', 'two', 'web'));
    index.set(pointer('b', 'three', 'web'));
    expect(index.keys('a', 'web')).toEqual(['a/one', 'a/two']);
    expect(index.keys('a', 'web-primary')).toEqual(['a/one']);
    expect(index.keys('b', 'web')).toEqual(['b/three']);
    expect(index.keys('a', 'api')).toEqual([]);
  });

  it('follows an object whose values change, and forgets a deleted one', () => {
    const index = byTarget();
    index.set(pointer('a', 'one', 'web'));
    index.set(pointer('a', 'one', 'api'));
    expect(index.keys('a', 'web')).toEqual([]);
    expect(index.keys('a', 'api')).toEqual(['a/one']);
    index.delete(pointer('a', 'one', 'api'));
    expect(index.keys('a', 'api')).toEqual([]);
  });

  it('indexes an object once however often a value repeats, and not at all without values', () => {
    const index = byTarget();
    index.set(pointer('a', 'one', 'web', 'web'));
    index.set(pointer('a', 'none'));
    expect(index.keys('a', 'web')).toEqual(['a/one']);
    index.delete(pointer('a', 'none'));
    expect(index.keys('a', 'web')).toEqual(['a/one']);
  });
});
