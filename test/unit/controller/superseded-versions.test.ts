import { SupersededVersions } from '../../../src/controller/superseded-versions.ts';

test('a version written over stays superseded until the cache shows another one of that Canary', () => {
  const versions = new SupersededVersions();
  versions.supersede('test/a', '10');
  versions.supersede('test/a', '12');
  expect(versions.isSuperseded('test/a', '10')).toBe(true);
  expect(versions.isSuperseded('test/b', '10')).toBe(false);
  expect(versions.isSuperseded('test/a', undefined)).toBe(false);

  versions.seen('test/a', '12'); // an old version arriving late: still behind
  expect(versions.isSuperseded('test/a', '10')).toBe(true);
  versions.seen('test/a', '13'); // the controller's own write, or newer: caught up
  expect(versions.isSuperseded('test/a', '10')).toBe(false);
  expect(versions.isSuperseded('test/a', '12')).toBe(false);

  versions.supersede('test/a', '13');
  versions.forget('test/a');
  expect(versions.isSuperseded('test/a', '13')).toBe(false);
});
