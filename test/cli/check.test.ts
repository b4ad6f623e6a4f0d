import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/timonel.js');
const FIXTURES = 'test/fixtures/third-party';
const EMPTY_DIR = 'test/fixtures/empty-folder';

/** Runs `node bin/timonel.js ...args` in the repository root (plain node, as after `npm ci`). */
function timonel(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every finding of the fixture folder under the restricted profile: [file, line, severity, rule, object, field]. */
const EXPECTED = [
  ['app/bundle.yaml', 9, 'error', 'api-config-data', 'ConfigMap app/app-settings', 'data["log level"]'],
  ['app/bundle.yaml', 27, 'error', 'api-cron-schedule', 'CronJob app/cleanup', 'spec.schedule'],
  ['app/bundle.yaml', 32, 'error', 'api-restart-policy', 'CronJob app/cleanup', 'spec.jobTemplate.spec.template.spec.restartPolicy'],
  ['app/ingress.yml', 16, 'warning', 'ref-backend-service', 'Ingress web/shop', 'spec.rules[0].http.paths[0].backend.service.name'],
  ['app/ingress.yml', 25, 'error', 'ref-backend-port', 'Ingress web/shop', 'spec.rules[0].http.paths[1].backend.service.port.number'],
  ['app/secret.yaml', 8, 'warning', 'practice-secret-literal', 'Secret app/db-credentials', 'data'],
  ['legacy/agent.yaml', 10, 'error', 'policy-suppression', 'DaemonSet logging/log-agent', 'metadata.annotations["timonel.dev/suppress.pss-baseline-host-namespaces"]'],
  ['legacy/agent.yaml', 18, 'error', 'pss-baseline-host-namespaces', 'DaemonSet logging/log-agent', 'spec.template.spec.hostNetwork'],
  ['nginx/deployment.yaml', 14, 'warning', 'practice-disruption-budget', 'Deployment web/nginx', 'spec.replicas'],
  ['nginx/deployment.yaml', 21, 'warning', 'practice-network-policy', 'Deployment web/nginx', 'spec.template.metadata'],
  ['nginx/deployment.yaml', 25, 'warning', 'practice-spread', 'Deployment web/nginx', 'spec.template.spec.topologySpreadConstraints'],
  ['nginx/deployment.yaml', 26, 'error', 'pss-restricted-run-as-user', 'Deployment web/nginx', 'spec.template.spec.securityContext.runAsUser'],
  ['nginx/deployment.yaml', 28, 'error', 'pss-restricted-privilege-escalation', 'Deployment web/nginx', 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation'],
  ['nginx/deployment.yaml', 28, 'error', 'pss-restricted-run-as-non-root', 'Deployment web/nginx', 'spec.template.spec.containers[0].securityContext.runAsNonRoot'],
  ['nginx/deployment.yaml', 28, 'error', 'pss-restricted-seccomp', 'Deployment web/nginx', 'spec.template.spec.containers[0].securityContext.seccompProfile.type'],
  ['nginx/deployment.yaml', 28, 'error', 'pss-restricted-capabilities', 'Deployment web/nginx', 'spec.template.spec.containers[0].securityContext.capabilities.drop'],
  ['nginx/deployment.yaml', 28, 'error', 'practice-requests', 'Deployment web/nginx', 'spec.template.spec.containers[0].resources.requests'],
  ['nginx/deployment.yaml', 28, 'warning', 'practice-memory-limit', 'Deployment web/nginx', 'spec.template.spec.containers[0].resources.limits'],
  ['nginx/deployment.yaml', 28, 'warning', 'practice-probes', 'Deployment web/nginx', 'spec.template.spec.containers[0]'],
  ['nginx/deployment.yaml', 28, 'warning', 'practice-read-only-root-fs', 'Deployment web/nginx', 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem'],
  ['nginx/deployment.yaml', 29, 'warning', 'practice-image-pinned', 'Deployment web/nginx', 'spec.template.spec.containers[0].image'],
  ['nginx/deployment.yaml', 35, 'warning', 'practice-env-secret-literal', 'Deployment web/nginx', 'spec.template.spec.containers[0].env[0].value'],
  ['nginx/service.yaml', 11, 'warning', 'practice-service-exposure', 'Service web/nginx', 'spec.type'],
];

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-check-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('timonel check on third-party YAML', () => {
  test('human output: every finding grouped by file with its line, exit code 1', () => {
    const r = timonel('check', FIXTURES);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const blocks = r.stdout.trimEnd().split('\n\n');
    const summary = blocks.pop();
    expect(summary).toBe('12 errors, 11 warnings in 11 objects from 8 files (profile: restricted; 1 suppressed)');
    const rows: unknown[] = [];
    for (const block of blocks) {
      const [file, ...lines] = block.split('\n');
      for (const line of lines) {
        const m = /^ {2}(\d+):\d+ +(error|warning) +(\S+ \S+) '(.*?)' .*  ([a-z-]+)$/.exec(line);
        expect(m).not.toBeNull();
        rows.push([file.slice(FIXTURES.length + 1), Number(m![1]), m![2], m![5], m![3], m![4]]);
      }
    }
    expect(rows).toEqual(EXPECTED);
    // Kustomization and Helm values are skipped; the compliant worker, its ServiceAccount (in a List)
    // and the NetworkPolicies have no findings; the reasoned host-path suppression is honoured.
    expect(r.stdout).not.toMatch(/kustomization|values\.yaml|worker|pss-baseline-host-path/);
    expect(r.stdout).toContain(
      "  26:20   error   Deployment web/nginx 'spec.template.spec.securityContext.runAsUser' must not be 0 (root) for the pod (Pod Security 'restricted'), got 0. Fix: use a non-zero user id such as 10001  pss-restricted-run-as-user\n",
    );
    expect(r.stdout).toContain(
      "  25:27   error   Ingress web/shop 'spec.rules[0].http.paths[1].backend.service.port.number' is not a port of the Service 'nginx', got 8080. Allowed: '80'. Fix: use one of the Service's ports  ref-backend-port\n",
    );
  });

  test('--format json: the same findings with positions, objects and fixes, for CI', () => {
    const r = timonel('check', FIXTURES, '--format', 'json');
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.version).toBe(1);
    expect(json.profile).toBe('restricted');
    expect(json.summary).toEqual({ files: 8, objects: 11, skippedDocuments: 1, errors: 12, warnings: 11, suppressed: 1, parseErrors: 0 });
    expect(json.findings.map((f: any) => [f.file.slice(FIXTURES.length + 1), f.line, f.severity, f.ruleId, `${f.object.kind} ${f.object.namespace}/${f.object.name}`, f.field])).toEqual(EXPECTED);
    expect(json.findings.find((f: any) => f.ruleId === 'practice-image-pinned')).toEqual({
      ruleId: 'practice-image-pinned',
      severity: 'warning',
      file: `${FIXTURES}/nginx/deployment.yaml`,
      line: 29,
      column: 18,
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name: 'nginx' },
      field: 'spec.template.spec.containers[0].image',
      message: "uses the moving tag 'latest'",
      value: 'nginx:latest',
      allowed: 'a pinned tag or a digest',
      fix: "pin a version such as 'nginx:1.2.3' or 'nginx@sha256:…'",
      text: `[${FIXTURES}/nginx/deployment.yaml] Deployment web/nginx 'spec.template.spec.containers[0].image' uses the moving tag 'latest', got 'nginx:latest'. Allowed: a pinned tag or a digest. Fix: pin a version such as 'nginx:1.2.3' or 'nginx@sha256:…' (practice-image-pinned)`,
    });
    expect(json.suppressed.map((f: any) => [f.ruleId, f.object.name, f.suppressedBecause])).toEqual([
      ['pss-baseline-host-path', 'log-agent', 'reads container logs from /var/log on every node'],
    ]);
    expect(json.parseErrors).toEqual([]);
  });

  test('--profile baseline drops the restricted Pod Security rules and makes missing requests a warning', () => {
    const r = timonel('check', FIXTURES, '--profile', 'baseline', '--format', 'json');
    const json = JSON.parse(r.stdout);
    expect(json.profile).toBe('baseline');
    expect(json.findings.filter((f: any) => f.ruleId.startsWith('pss-restricted-'))).toEqual([]);
    expect(json.findings.find((f: any) => f.ruleId === 'practice-requests').severity).toBe('warning');
    expect(json.summary.errors).toBe(6);
    expect(r.status).toBe(1);
  });

  test('exit code 0 when only warnings remain; --quiet prints errors only', () => {
    const r = timonel('check', `${FIXTURES}/nginx/service.yaml`, `${FIXTURES}/app/secret.yaml`);
    expect(r.status).toBe(0);
    // Alone, the Service also selects no pods of the set.
    expect(r.stdout).toMatch(/^0 errors, 3 warnings in 2 objects from 2 files \(profile: restricted\)$/m);
    expect(timonel('check', '--quiet', `${FIXTURES}/nginx/service.yaml`).stdout).toBe('0 errors, 2 warnings in 1 object from 1 file (profile: restricted)\n');
  });

  test('--disable and a JSON profile file customise the rules', () => {
    const profile = path.join(tmp, 'profile.json');
    fs.writeFileSync(profile, JSON.stringify({ extends: 'baseline', severity: { 'practice-service-exposure': 'error' } }));
    const r = timonel('check', `${FIXTURES}/nginx/service.yaml`, '--profile', profile, '--format', 'json');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: any) => [f.ruleId, f.severity])).toEqual([['practice-service-exposure', 'error'], ['ref-service-selector', 'warning']]);
    const d = timonel('check', `${FIXTURES}/nginx`, '--disable', 'pss-restricted-run-as-user,practice-service-exposure', '--disable=practice-probes', '--format', 'json');
    const ids = JSON.parse(d.stdout).findings.map((f: any) => f.ruleId);
    expect(ids).not.toContain('pss-restricted-run-as-user');
    expect(ids).not.toContain('practice-service-exposure');
    expect(ids).not.toContain('practice-probes');
    expect(ids).toContain('pss-restricted-run-as-non-root');
  });

  test('each kustomization folder (one per environment) is its own set of objects; loose files share one', () => {
    const dist = path.join(tmp, 'envs');
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: app\ndata:\n  a: b\n';
    for (const env of ['dev', 'prod']) {
      fs.mkdirSync(path.join(dist, env), { recursive: true });
      fs.writeFileSync(path.join(dist, env, 'app.k8s.yaml'), cm);
      fs.writeFileSync(path.join(dist, env, 'kustomization.yaml'), 'resources:\n  - app.k8s.yaml\n');
    }
    expect(timonel('check', dist).stdout).not.toMatch(/ref-duplicate-object/);
    // Flux layout: a chart folder with its own kustomization inside an environment is the same set.
    fs.mkdirSync(path.join(dist, 'dev', 'more'));
    fs.writeFileSync(path.join(dist, 'dev', 'more', 'app.k8s.yaml'), cm);
    fs.writeFileSync(path.join(dist, 'dev', 'more', 'kustomization.yaml'), 'resources:\n  - app.k8s.yaml\n');
    expect(timonel('check', dist).stdout.match(/ref-duplicate-object/g)).toHaveLength(1);
    fs.rmSync(path.join(dist, 'dev', 'more'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'loose-a.yaml'), cm);
    fs.writeFileSync(path.join(dist, 'loose-b.yaml'), cm);
    const r = timonel('check', dist);
    expect(r.stdout.match(/ref-duplicate-object/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/loose-b\.yaml/);
  });

});

describe('timonel check follows the Pod Security label of each Namespace in the input', () => {
  /** A Namespace (labelled when `level` is given) and a Deployment in it whose pod runs as root; `extra` goes into the pod spec. */
  const namespaced = (ns: string, level: string | undefined, extra = '') => [
    `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}${level ? `\n  labels:\n    pod-security.kubernetes.io/enforce: ${level}` : ''}\n`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: old\n  namespace: ${ns}\nspec:\n  selector:\n    matchLabels: { app: old }\n  template:\n    metadata:\n      labels: { app: old }\n`
      + `    spec:\n${extra}      securityContext: { runAsUser: 0, seccompProfile: { type: RuntimeDefault } }\n      containers:\n        - name: main\n          image: nginx:1.27.2\n`
      + '          resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { memory: 128Mi } }\n',
  ].join('---\n');
  const write = (name: string, yaml: string): string => {
    const file = path.join(tmp, 'pss', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, yaml);
    return file;
  };
  const rules = (r: { stdout: string }) => JSON.parse(r.stdout).findings.filter((f: any) => f.severity === 'error').map((f: any) => f.ruleId);

  test('a namespace enforcing baseline admits root pods: no pss-restricted errors for its objects, exit code 0', () => {
    const file = write('legacy.k8s.yaml', namespaced('legacy', 'baseline'));
    const r = timonel('check', file);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/pss-restricted-/);
    expect(r.stdout).toMatch(/^0 errors, \d+ warnings in 2 objects from 1 file \(profile: restricted; namespaces enforcing less: legacy \(baseline\)\)$/m);
    const json = JSON.parse(timonel('check', file, '--format', 'json').stdout);
    expect(json.namespacePodSecurity).toEqual({ legacy: 'baseline' });
    // The rest of the profile stays: practice rules still report.
    expect(json.findings.map((f: any) => f.ruleId)).toContain('practice-probes');
  });

  test('fails when a pod in a namespace enforcing baseline breaks a baseline rule (hostNetwork): baseline still applies', () => {
    const r = timonel('check', write('host.k8s.yaml', namespaced('legacy', 'baseline', '      hostNetwork: true\n')), '--format', 'json');
    expect(r.status).toBe(1);
    expect(rules(r)).toEqual(['pss-baseline-host-namespaces']);
    expect(JSON.parse(r.stdout).findings.find((f: any) => f.severity === 'error').text).toMatch(
      /Deployment legacy\/old 'spec\.template\.spec\.hostNetwork' .*Pod Security 'baseline'.* \(pss-baseline-host-namespaces\)$/,
    );
  });

  test('a namespace enforcing privileged turns every Pod Security rule off for its objects; other rules stay', () => {
    const r = timonel('check', write('agent.k8s.yaml', namespaced('agent', 'privileged', '      hostNetwork: true\n')), '--format', 'json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).findings.filter((f: any) => f.ruleId.startsWith('pss-'))).toEqual([]);
  });

  test('fails when the namespace enforces restricted, has no label, or is not in the input: the profile decides, as before', () => {
    for (const yaml of [namespaced('shop', 'restricted'), namespaced('shop', undefined), namespaced('shop', 'baseline').split('---\n')[1]]) {
      const file = write('shop.k8s.yaml', yaml);
      const r = timonel('check', file, '--format', 'json');
      expect(r.status).toBe(1);
      expect(rules(r)).toEqual(expect.arrayContaining(['pss-restricted-run-as-user', 'pss-restricted-run-as-non-root']));
      expect(JSON.parse(r.stdout).namespacePodSecurity).toEqual({});
      expect(timonel('check', file).stdout).toContain(
        "error   Deployment shop/old 'spec.template.spec.securityContext.runAsUser' must not be 0 (root) for the pod (Pod Security 'restricted'), got 0. Fix: use a non-zero user id such as 10001  pss-restricted-run-as-user\n",
      );
    }
    // A Namespace of another environment (its own kustomization folder) does not count.
    write('envs/dev/kustomization.yaml', 'resources:\n  - ns.yaml\n');
    write('envs/dev/ns.yaml', namespaced('legacy', 'baseline').split('---\n')[0]);
    write('envs/prod/kustomization.yaml', 'resources:\n  - app.yaml\n');
    write('envs/prod/app.yaml', namespaced('legacy', 'baseline').split('---\n')[1]);
    expect(rules(timonel('check', path.join(tmp, 'pss', 'envs'), '--format', 'json'))).toContain('pss-restricted-run-as-user');
  });

  test('an explicit --profile still decides the other rules, and the label still lowers the Pod Security ones', () => {
    const file = write('legacy.k8s.yaml', namespaced('legacy', 'baseline'));
    const profile = write('profile.json', JSON.stringify({ extends: 'restricted', severity: { 'practice-probes': 'error' } }));
    const r = timonel('check', file, '--profile', profile, '--format', 'json');
    expect(r.status).toBe(1);
    expect(rules(r)).toEqual(['practice-probes']);
    const baseline = timonel('check', write('priv.k8s.yaml', namespaced('agent', 'privileged', '      hostNetwork: true\n')), '--profile', 'baseline', '--format', 'json');
    expect(baseline.status).toBe(0);
    expect(JSON.parse(baseline.stdout).profile).toBe('baseline');
  });
});

describe('timonel check positions findings in the file and document they are about', () => {
  const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml\n';
  const POLICY = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all\n  namespace: ml\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n';
  const CRONJOB = [
    'apiVersion: batch/v1', 'kind: CronJob', 'metadata:', '  name: training', '  namespace: ml', 'spec:', "  schedule: '0 3 * * *'",
    '  jobTemplate:', '    spec:', '      template:', '        spec:', '          restartPolicy: Never', '          containers:',
    '            - name: train', '              image: registry.example.com/train:1.2.3', '              resources:',
    '                requests: { cpu: 100m, memory: 1Gi }', '                limits:', '                  memory: 1Gi',
    '                  nvidia.com/gpu: null', '',
  ].join('\n');
  // The same CronJob twice in one file: the second copy's findings sit in the second copy.
  const TRAINING = [NAMESPACE, POLICY, CRONJOB, CRONJOB].join('---\n');
  /** The 1-based lines of `nvidia.com/gpu: null` in TRAINING (column 35, where null starts). */
  const GPU_LINES = TRAINING.split('\n').flatMap((l, i) => (l.includes('nvidia.com/gpu: null') ? [i + 1] : []));
  const GPU_FIELD = 'spec.jobTemplate.spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]';
  /** `line:col ruleId object field` of every finding of `file` in a JSON report. */
  const positions = (json: any, file: string): string[] => json.findings.filter((f: any) => f.file === file)
    .map((f: any) => `${f.line}:${f.column} ${f.ruleId} ${f.object.kind} ${f.object.name} ${f.field}`);

  test('identical files of two environments (and identical documents in one file) each report their own line:column', () => {
    const dist = path.join(tmp, 'positions');
    for (const env of ['dev', 'prod']) {
      fs.mkdirSync(path.join(dist, env), { recursive: true });
      fs.writeFileSync(path.join(dist, env, 'kustomization.yaml'), 'resources:\n  - training.k8s.yaml\n');
      fs.writeFileSync(path.join(dist, env, 'training.k8s.yaml'), TRAINING);
    }
    // dev holds one object more before the training chart, so prod's objects count differently in their set.
    fs.writeFileSync(path.join(dist, 'dev', 'debug.k8s.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: debug\n  namespace: ml\ndata:\n  level: trace\n');
    expect(GPU_LINES).toEqual([35, 56]);
    // A file checked alone is one set: its positions are the reference.
    const alone = positions(JSON.parse(timonel('check', path.join(dist, 'prod', 'training.k8s.yaml'), '--format', 'json').stdout), path.join(dist, 'prod', 'training.k8s.yaml'));
    expect(alone).toEqual(expect.arrayContaining(GPU_LINES.map((l) => `${l}:35 api-resources CronJob training ${GPU_FIELD}`)));
    const json = JSON.parse(timonel('check', dist, '--format', 'json').stdout);
    for (const env of ['dev', 'prod']) {
      expect(positions(json, path.join(dist, env, 'training.k8s.yaml'))).toEqual(alone);
    }
    const human = timonel('check', dist).stdout;
    for (const env of ['dev', 'prod']) {
      const block = human.split('\n\n').find((b) => b.startsWith(`${path.join(dist, env, 'training.k8s.yaml')}\n`))!;
      expect(block.split('\n').filter((l) => l.endsWith('api-resources')).map((l) => l.trim().split(' ')[0])).toEqual(['35:35', '56:35']);
    }
  });
});

describe('timonel check reads YAML as kubectl does (YAML 1.1)', () => {
  test('fails when a ConfigMap value is an unquoted yes, no, 0777 or 0o17: booleans and octal numbers to kubectl, which the API server refuses', () => {
    const r = timonel('check', 'test/fixtures/yaml11', '--format', 'json');
    expect(r.status).toBe(1);
    const found = JSON.parse(r.stdout).findings.map((f: any) => `${f.line}:${f.column} ${f.field} ${JSON.stringify(f.value)} ${f.fix}`);
    expect(found).toEqual([
      "8:14 data.FEATURE_X true quote the value as written: unquoted yes, no, on, off, y, n, true and false are booleans to kubectl (YAML 1.1), e.g. FEATURE: 'yes'",
      "9:11 data.REGION false quote the value as written: unquoted yes, no, on, off, y, n, true and false are booleans to kubectl (YAML 1.1), e.g. FEATURE: 'yes'",
      "10:9 data.ZONE 511 quote the value as written in the YAML, not the number shown: kubectl reads unquoted numbers as numbers (YAML 1.1: 1.10 is 1.1, 0777 and 0o777 are 511), e.g. VERSION: '1.10'",
      "14:9 data.MODE 15 quote the value as written in the YAML, not the number shown: kubectl reads unquoted numbers as numbers (YAML 1.1: 1.10 is 1.1, 0777 and 0o777 are 511), e.g. VERSION: '1.10'",
    ]);
    // 12:30 and 2024-01-01 stay strings, as go-yaml v2 reads them (no base-60 numbers; timestamps become strings).
  });
});

describe('timonel check usage and parse errors (exit code 2)', () => {
  test('a YAML syntax error is reported with file and line; the other files are still checked', () => {
    const dir = path.join(tmp, 'broken');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n    labels: {\n');
    fs.copyFileSync(path.join(ROOT, FIXTURES, 'nginx/service.yaml'), path.join(dir, 'service.yaml'));
    const r = timonel('check', dir);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`${dir}/bad.yaml:4:9: error: Nested mappings are not allowed in compact mappings`);
    expect(r.stderr.trimEnd().split('\n').every((l) => l.startsWith(`${dir}/bad.yaml:`))).toBe(true);
    expect(r.stdout).toContain('practice-service-exposure');
    expect(r.stdout).toMatch(/3 parse errors\)\n$/);
  });

  test.each([
    [['check'], /name at least one file or folder to check/],
    [['check', 'no/such/dir'], /no such file or directory: no\/such\/dir/],
    [['check', EMPTY_DIR], /no Kubernetes YAML \(\*\.yaml, \*\.yml\) in .*empty-folder: nothing to check\. Fix: run the synth first/],
    [['check', FIXTURES, '--profile', 'strict'], /unknown profile 'strict'/],
    [['check', FIXTURES, '--disable', 'no-such-rule'], /--disable names a rule the profile 'restricted' does not have: 'no-such-rule'\. Fix: 'no-such-rule': use an id from 'timonel rules'/],
    [['check', FIXTURES, '--disable', 'practice-network-policy,practice-resources'], /^timonel: --disable names a rule the profile 'restricted' does not have: 'practice-resources'\. Fix: 'practice-resources': did you mean 'practice-requests'\? \('timonel rules' lists them\)\n/],
    [['check', FIXTURES, '--format', 'xml'], /--format must be one of human, json, got 'xml'/],
    [['check', FIXTURES, '--verbose'], /unknown option '--verbose'/],
    [['lint', FIXTURES], /unknown command 'lint'/],
    [['check', FIXTURES, '--quiet=yes'], /--quiet takes no value/],
    [['check', FIXTURES, '--profile='], /--profile needs a value/],
    [['rules', '--quiet'], /'timonel rules' takes --profile, --format, got --quiet/],
    [['rules', '--disable', 'x'], /'timonel rules' takes --profile, --format, got --disable/],
    [['init', 'x', '--format', 'json'], /'timonel init' takes no options, got --format/],
  ])('%j fails with a usage message', (args, message) => {
    const r = timonel(...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr).toMatch(/Run 'timonel --help' for usage\.\n$/);
  });

  test('--help prints the usage with exit code 0; no command prints it with exit code 2', () => {
    const help = timonel('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n {2}timonel init \[dir\]/);
    expect(help.stdout).toMatch(/\n {2}timonel check \[options\] <dir\|file>\.\.\./);
    expect(help.stdout).toContain('timonel.dev/suppress.<rule-id>: <reason of at least 10 characters>');
    const none = timonel();
    expect(none.status).toBe(2);
    expect(none.stderr).toBe(help.stdout);
  });

  test('--version prints the version of package.json', () => {
    const r = timonel('--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });
});

describe('timonel rules', () => {
  test('lists every rule with its level in the profile', () => {
    const json = JSON.parse(timonel('rules', '--profile', 'baseline', '--format', 'json').stdout);
    expect(json.profile).toBe('baseline');
    expect(json.rules.find((r: any) => r.id === 'pss-restricted-seccomp')).toEqual({
      id: 'pss-restricted-seccomp', level: 'off', category: 'pss-restricted',
      rationale: "Restricted pods must filter system calls with the runtime's default (or a local) seccomp profile (Pod Security restricted).",
    });
    const md = timonel('rules', '--format', 'markdown').stdout.split('\n');
    expect(md.slice(0, 3)).toEqual([
      '| Rule | Severity | Rationale |',
      '| --- | --- | --- |',
      '| `api-object-name` | error | The API server rejects objects whose name or namespace breaks the naming rule of their kind. |',
    ]);
  });
});
