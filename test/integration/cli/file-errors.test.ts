import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKanari } from '../../helpers/kanari-cli.ts';

// Every command that reads a file a person named says what is wrong with it the same way, naming the
// flag when a flag named it, without a stack trace or a bare errno.
describe('file errors read alike in every command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kanari-files-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a missing file, a directory, a kubeconfig that is not YAML, a snapshot that is not JSON', async () => {
    const missing = join(dir, 'missing.yaml');
    const notYaml = join(dir, 'kubeconfig');
    writeFileSync(notYaml, 'apiVersion: v1\nclusters: [\n');
    const notJson = join(dir, 'snapshot.json');
    writeFileSync(notJson, '{"objects": [');
    const cases: Array<[string[], string]> = [
      [['validate', missing], `${missing}: cannot read: no such file`],
      [['convert', missing], `${missing}: cannot read: no such file`],
      [['convert', dir], `${dir}: cannot read: is a directory, not a file`],
      [['status', 'podinfo', '--kubeconfig', missing], `--kubeconfig ${missing}: cannot read: no such file`],
      [['controller', '--kubeconfig', dir], `--kubeconfig ${dir}: cannot read: is a directory, not a file`],
      [['promote', 'podinfo', '--kubeconfig', notYaml], `--kubeconfig ${notYaml}: not a valid kubeconfig: deficient indentation (3:1)`],
      [['metrics-server', '--prometheus-url', 'http://127.0.0.1:9', '--cert', missing, '--key', missing, '--port', '0'], `--cert ${missing}: cannot read: no such file`],
      [['apiserver', '--data', notJson, '--kubeconfig', join(dir, 'out')], `--data ${notJson}: not a snapshot this API server wrote (not valid JSON: Unexpected end of JSON input)`],
    ];
    const runs = await Promise.all(cases.map(([args]) => runKanari(args)));
    const seen = runs.map((run) => ({ code: run.code, said: `${run.stdout}${run.stderr}`.trim() }));
    expect(seen).toEqual(cases.map(([, said]) => ({ code: 1, said })));
  }, 180_000);
});
