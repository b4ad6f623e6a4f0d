import { k8s } from 'cdk8s-plus-28';
import { runPolicies, PolicyRunOptions } from '../../src/policies/engine';
import { Finding } from '../../src/policies/types';

/** Deep copy with changes applied by `edit`. */
export function edit<T>(o: T, change: (copy: any) => void): T {
  const copy = JSON.parse(JSON.stringify(o));
  change(copy);
  return copy;
}

/** A container that meets every rule of the restricted profile. */
export function container(name = 'main'): any {
  return {
    name,
    image: 'registry.example.com/shop/web:1.4.2',
    ports: [{ name: 'http', containerPort: 8080 }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    livenessProbe: { tcpSocket: { port: 8080 } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

/** A pod spec that meets every rule of the restricted profile. */
export function podSpec(): any {
  return {
    serviceAccountName: 'web',
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container()],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
  };
}

export const LABELS = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'shop-web' };

/** A Deployment (1 replica) that meets every rule. */
export function deployment(name = 'web', replicas = 1): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', labels: { ...LABELS } },
    spec: {
      replicas,
      selector: { matchLabels: { ...LABELS } },
      template: { metadata: { labels: { ...LABELS } }, spec: podSpec() },
    },
  };
}

/** The objects a compliant workload needs around it: ServiceAccount, Service and a NetworkPolicy. */
export function surroundings(): any[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' }, automountServiceAccountToken: false },
    {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { ...LABELS }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
  ];
}

/** A CronJob that meets every rule. */
export function cronJob(): any {
  const spec = podSpec();
  spec.restartPolicy = 'Never';
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly', namespace: 'shop' },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { metadata: { labels: { ...LABELS } }, spec } } } },
  };
}

/** Runs the policies over plain manifests (file 'test.yaml') and returns every finding. */
export function findings(manifests: any[], options: PolicyRunOptions = {}): Finding[] {
  const r = runPolicies(manifests.map((manifest) => ({ manifest, file: 'test.yaml' })), options);
  return [...r.errors, ...r.warnings];
}

/** The findings of one rule, as `severity message (rule)` lines. */
export function lines(ruleId: string, manifests: any[], options: PolicyRunOptions = {}): string[] {
  return findings(manifests, options).filter((f) => f.ruleId === ruleId).map((f) => `${f.severity}: ${f.message}`);
}

/** The findings of every rule, as `rule: field` pairs (for "nothing else fired" checks). */
export function summary(manifests: any[], options: PolicyRunOptions = {}): string[] {
  return findings(manifests, options).map((f) => `${f.ruleId}: ${f.field ?? ''}`);
}

/** The compliant pod spec as typed cdk8s-plus-28 props (quantities and ports wrapped), for k8s.Kube* constructs. */
export function k8sPodSpec(pod: Partial<k8s.PodSecurityContext> = {}, main: Partial<k8s.SecurityContext> = {}): k8s.PodSpec {
  const c = container();
  const spec = podSpec();
  return {
    ...spec,
    securityContext: { ...spec.securityContext, ...pod },
    containers: [{
      ...c,
      securityContext: { ...c.securityContext, ...main },
      resources: {
        requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') },
        limits: { memory: k8s.Quantity.fromString('256Mi') },
      },
      readinessProbe: { httpGet: { path: '/ready', port: k8s.IntOrString.fromString('http') } },
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(8080) } },
    }],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
  };
}
