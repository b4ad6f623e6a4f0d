import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { TimonelValidation, ValidationContextLike } from '../../src/cli/cdk8s-plugin';
import { deployment, edit, surroundings } from '../policies/helpers';

const ROOT = path.join(__dirname, '../..');
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-plugin-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A context like cdk8s-cli's, recording what the plugin reports. */
function context(manifests: string[]) {
  const violations: any[] = [];
  const logs: string[] = [];
  let submitted: { status: string; metadata?: Record<string, string> } | undefined;
  const ctx: ValidationContextLike = {
    manifests,
    report: {
      addViolation: (v) => violations.push(v),
      submit: (status, metadata) => { submitted = { status, metadata: metadata as Record<string, string> }; },
    },
    logger: { log: (m) => logs.push(m) },
    parseManifest: (p) => Yaml.load(p),
  };
  return { ctx, violations, logs, submitted: () => submitted };
}

function write(name: string, docs: any[]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, Yaml.stringify(...docs));
  return file;
}

describe('TimonelValidation (cdk8s-cli validation plugin contract)', () => {
  test('reports errors as a failure, one violation per rule with the objects and their fields', async () => {
    const file = write('bad.k8s.yaml', [edit(deployment(), (d) => { d.spec.template.spec.securityContext.runAsUser = 0; }), ...surroundings()]);
    const { ctx, violations, logs, submitted } = context([file]);
    await new TimonelValidation().validate(ctx);
    expect(submitted()).toEqual({ status: 'failure', metadata: { profile: 'restricted', errors: '1', warnings: '0', suppressed: '0' } });
    expect(violations).toEqual([{
      ruleName: 'pss-restricted-run-as-user (error)',
      recommendation: 'User id 0 is root, whatever runAsNonRoot says (Pod Security restricted).',
      fix: 'use a non-zero user id such as 10001',
      violatingResources: [{
        // The Service and ServiceAccount are also named 'web': cdk8s could not tell their construct paths apart.
        resourceName: 'Deployment shop/web',
        manifestPath: file,
        locations: ["Deployment shop/web spec.template.spec.securityContext.runAsUser: must not be 0 (root) for the pod (Pod Security 'restricted') (fix: use a non-zero user id such as 10001)"],
      }],
    }]);
    expect(logs).toEqual(['timonel policies (profile restricted): 1 errors, 0 warnings, 0 suppressed in 4 objects']);
  });

  test('a pod in a Namespace of the output that enforces baseline is not held to the restricted rules (a baseline chart)', async () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } };
    const root = edit(deployment(), (d) => { d.spec.template.spec.securityContext.runAsUser = 0; });
    const { ctx, submitted } = context([write('baseline.k8s.yaml', [ns, root, ...surroundings()])]);
    await new TimonelValidation().validate(ctx);
    expect(submitted()).toEqual({ status: 'success', metadata: { profile: 'restricted', errors: '0', warnings: '0', suppressed: '0' } });
  });

  test('warnings alone are listed but succeed; properties choose the profile and rules', async () => {
    const file = write('warn.k8s.yaml', [deployment()]);
    const { ctx, violations, submitted } = context([file]);
    await new TimonelValidation({ profile: 'baseline', disable: ['practice-network-policy'] }).validate(ctx);
    expect(submitted()!.status).toBe('success');
    expect(submitted()!.metadata!.profile).toBe('baseline (customised)');
    expect(violations.map((v) => v.ruleName)).toEqual(['ref-missing-dependency (warning)']);
  });

  test('each folder (one per environment) is its own set: the same objects in two folders are not duplicates', async () => {
    fs.mkdirSync(path.join(tmp, 'dev'));
    fs.mkdirSync(path.join(tmp, 'prod'));
    const docs = [deployment(), ...surroundings()];
    const { ctx, violations, submitted } = context([write('dev/app.k8s.yaml', docs), write('prod/app.k8s.yaml', docs)]);
    await new TimonelValidation().validate(ctx);
    expect(submitted()!.status).toBe('success');
    expect(violations.map((v) => v.ruleName)).not.toContain('ref-duplicate-object (error)');
    // Flux layout: the chart folders of one environment are one set.
    fs.mkdirSync(path.join(tmp, 'dev', 'extra'));
    const nested = context([write('dev/app.k8s.yaml', docs), write('dev/extra/app.k8s.yaml', docs), write('prod/app.k8s.yaml', docs)]);
    await new TimonelValidation().validate(nested.ctx);
    expect(nested.violations.map((v) => v.ruleName)).toContain('ref-duplicate-object (error)');
    const same = context([write('dup-a.k8s.yaml', docs), write('dup-b.k8s.yaml', docs)]);
    await new TimonelValidation().validate(same.ctx);
    expect(same.violations.map((v) => v.ruleName)).toContain('ref-duplicate-object (error)');
  });

  test('unknown rules in the properties fail when cdk8s loads the plugin', () => {
    expect(() => new TimonelValidation({ disable: ['nope'] })).toThrow(/names the unknown rule 'nope'/);
  });
});

describe('the plugin under `cdk8s synth`, loaded from a local path', () => {
  /** A throwaway cdk8s project: a plain cdk8s app with one Deployment, validated by the plugin shim. */
  function project(name: string, compliant: boolean): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    const d = compliant ? deployment() : edit(deployment('api'), (x) => { x.spec.template.spec.containers[0].securityContext.privileged = true; });
    fs.writeFileSync(path.join(dir, 'main.js'), [
      `const { App, Chart, ApiObject } = require(${JSON.stringify(require.resolve('cdk8s'))});`,
      'const app = new App();',
      "const chart = new Chart(app, 'demo');",
      `for (const [i, o] of ${JSON.stringify([d, ...surroundings()])}.entries()) new ApiObject(chart, 'o' + i, o);`,
      'app.synth();',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'plugin.js'), `module.exports = require(${JSON.stringify(path.join(ROOT, 'bin/cdk8s-validation-plugin.js'))});\n`);
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
      'language: typescript',
      'app: node main.js',
      'validations:',
      '  - package: ./plugin.js',
      '    version: 0.1.0',
      '    class: TimonelValidation',
      '    properties:',
      '      profile: restricted',
      '',
    ].join('\n'));
    return dir;
  }
  const synth = (cwd: string) => spawnSync(process.execPath, [path.join(ROOT, 'node_modules/cdk8s-cli/bin/cdk8s'), 'synth', '--no-check-upgrade'], { cwd, encoding: 'utf8' });

  test('fails the synth on errors, naming the construct path', () => {
    const r = synth(project('failing', false));
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('timonel policies (profile restricted): 1 errors, 0 warnings, 0 suppressed in 4 objects');
    expect(r.stdout).toMatch(/pss-baseline-privileged \(error\) \(1 occurrences\)/);
    expect(r.stdout).toContain('- Construct Path: demo/o0');
    expect(r.stdout).toContain('- Resource Name: api');
    expect(r.stdout).toContain("> Deployment shop/api spec.template.spec.containers[0].securityContext.privileged: must not be true for container 'main' (Pod Security 'baseline')");
    expect(r.stderr).toContain('Validation failed');
  }, 30000);

  test('passes a compliant app', () => {
    const r = synth(project('passing', true));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('timonel policies (profile restricted): 0 errors, 0 warnings, 0 suppressed in 4 objects');
    expect(r.stdout).toContain('Validations ended succesfully');
  }, 30000);
});
