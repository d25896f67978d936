// deploy/k8s/thaw-worker-job.yaml: every object loads into its kubernetes-models class and
// validates against the Kubernetes OpenAPI schema; the Job is an indexed Job of `thaw worker`
// with parallelism = completions, its secrets come from a Secret through exactly the env
// variables the ConfigMap's config.json references, and that config is valid for Thaw. Broken
// copies of the file fail.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../src/engine/config';

const MANIFEST = join(process.cwd(), 'deploy', 'k8s', 'thaw-worker-job.yaml');

interface Loaded {
  job: Job;
  configMap: ConfigMap;
}

/** Parses the manifest text into model objects and validates each; throws on the first problem. */
function loadManifest(text: string): Loaded {
  const docs = parseAllDocuments(text);
  const objects = docs.map((d) => {
    if (d.errors.length > 0) throw new Error(`YAML: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS() as { kind?: string };
  });
  const jobs = objects.filter((o) => o.kind === 'Job').map((o) => new Job(o as ConstructorParameters<typeof Job>[0]));
  const maps = objects.filter((o) => o.kind === 'ConfigMap').map((o) => new ConfigMap(o as ConstructorParameters<typeof ConfigMap>[0]));
  assert.equal(objects.length, jobs.length + maps.length, 'only a Job and a ConfigMap');
  assert.equal(jobs.length, 1, 'one Job');
  assert.equal(maps.length, 1, 'one ConfigMap');
  const [job, configMap] = [jobs[0]!, maps[0]!];
  job.validate();
  configMap.validate();
  checkWorkerJob(job, configMap);
  return { job, configMap };
}

/** What the schema cannot say: the Job runs N `thaw worker`s with the config and secrets Thaw needs. */
function checkWorkerJob(job: Job, configMap: ConfigMap): void {
  const spec = job.spec!;
  assert.equal(spec.completionMode, 'Indexed');
  assert.ok(spec.parallelism !== undefined && spec.parallelism >= 2, 'several workers at once');
  assert.equal(spec.completions, spec.parallelism, 'one completion per worker');
  const pod = spec.template.spec!;
  const [container] = pod.containers;
  assert.equal(pod.containers.length, 1);
  assert.deepEqual(container!.args?.slice(0, 1), ['worker']);
  const configArg = container!.args![container!.args!.indexOf('--config') + 1]!;

  // The config file is the ConfigMap's config.json, mounted where --config points.
  const mount = container!.volumeMounts!.find((m) => configArg.startsWith(`${m.mountPath}/`));
  assert.ok(mount, `a volume mounted over ${configArg}`);
  const volume = pod.volumes!.find((v) => v.name === mount!.name);
  assert.equal(volume?.configMap?.name, configMap.metadata!.name);
  const configText = configMap.data![configArg.slice(mount!.mountPath.length + 1)];
  assert.ok(configText, `the ConfigMap holds ${configArg}`);

  // Every ${env:NAME} of the config is an env variable from a Secret, and nothing else is.
  const references = [...configText!.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!).sort();
  const fromSecrets = (container!.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name).sort();
  assert.ok(references.length > 0, 'the config names its secrets');
  assert.deepEqual(fromSecrets, references, 'env variables from the Secret = the config.json ${env:NAME} references');
  assert.ok(!(container!.env ?? []).some((e) => e.value !== undefined && references.includes(e.name)), 'no secret written in the manifest');
  parseConfig(configText!, { file: 'thaw-config/config.json', env: Object.fromEntries(references.map((n) => [n, 'from-the-secret'])) });
}

describe('deploy/k8s: the thaw worker Job', () => {
  const text = readFileSync(MANIFEST, 'utf8');

  it('validates against the Kubernetes OpenAPI schema as an indexed Job of thaw worker with secrets from a Secret', () => {
    const { job } = loadManifest(text);
    assert.equal(job.spec!.parallelism, 4);
  });

  const broken: Array<[string, (t: string) => string, RegExp]> = [
    ['parallelism that is not a number', (t) => t.replace('parallelism: 4', 'parallelism: four'), /parallelism must be integer/],
    ['a secretKeyRef without its key', (t) => t.replace(/\n *key: PGPASSWORD/, ''), /secretKeyRef must have required property key/],
    ['completions other than parallelism', (t) => t.replace('completions: 4', 'completions: 1'), /one completion per worker/],
    ['a secret the config references but the Job does not pass', (t) => t.replace(/ {12}- name: PGPASSWORD\n(?: {14}.*\n){4}/, ''), /env variables from the Secret/],
    ['an invalid config.json in the ConfigMap', (t) => t.replace('"batch_size": 25000', '"batch_sise": 25000'), /batch_sise/],
    ['a container that does not run thaw worker', (t) => t.replace('args: ["worker"', 'args: ["start"'), /Expected values to be strictly deep-equal/],
  ];
  for (const [what, breakIt, error] of broken) {
    it(`fails on a broken copy: ${what}`, () => {
      const copy = breakIt(text);
      assert.notEqual(copy, text, 'the copy differs');
      assert.throws(() => loadManifest(copy), error);
    });
  }
});
