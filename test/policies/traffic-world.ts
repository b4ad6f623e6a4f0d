// Hand-written manifests for the traffic evaluator's tests (plain objects, as kubectl reads them),
// after trial Q's suite: Namespaces prod {env: prod, team: shop}, dev {env: dev} and ops (no
// labels); every pod-bearing kind; a pod with a sidecar; a namespace with no Namespace object
// (ghost); a workload with no namespace (default).
export type Labels = Record<string, string>;
export interface CPort { containerPort: number; name?: string; protocol?: string }

export function ns(name: string, labels: Labels = {}): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function podSpec(ports: CPort[], extra: any = {}): any {
  return { containers: [{ name: 'main', image: 'ghcr.io/acme/x:1.0.0', ports }], ...extra };
}

export function deploy(name: string, namespace: string | undefined, labels: Labels, ports: CPort[] = [], specExtra: any = {}): any {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: namespace === undefined ? { name } : { name, namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec(ports, specExtra) } },
  };
}

export function sts(name: string, namespace: string, labels: Labels, ports: CPort[] = []): any {
  const d = deploy(name, namespace, labels, ports);
  return { ...d, kind: 'StatefulSet', spec: { ...d.spec, serviceName: name } };
}

export function ds(name: string, namespace: string, labels: Labels, ports: CPort[] = []): any {
  return { ...deploy(name, namespace, labels, ports), kind: 'DaemonSet' };
}

export function job(name: string, namespace: string, labels: Labels, ports: CPort[] = []): any {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace }, spec: { template: { metadata: { labels }, spec: podSpec(ports, { restartPolicy: 'Never' }) } } };
}

export function cron(name: string, namespace: string, labels: Labels, ports: CPort[] = []): any {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace },
    spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { metadata: { labels }, spec: podSpec(ports, { restartPolicy: 'Never' }) } } } },
  };
}

export function pod(name: string, namespace: string, labels: Labels, ports: CPort[] = [], specExtra: any = {}): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: podSpec(ports, specExtra) };
}

export function svc(name: string, namespace: string, selector: Labels, ports: any[]): any {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports } };
}

export function np(name: string, namespace: string | undefined, spec: any): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: namespace === undefined ? { name } : { name, namespace }, spec };
}

/** `{ workload, namespace }` of 'namespace/name'. */
export const W = (ref: string): any => {
  const [namespace, workload] = ref.split('/');
  return { workload, namespace };
};

export function world(): any[] {
  return [
    ns('prod', { env: 'prod', team: 'shop' }),
    ns('dev', { env: 'dev' }),
    ns('ops'),
    deploy('web', 'prod', { app: 'web', tier: 'fe' }, [{ containerPort: 8080, name: 'http' }, { containerPort: 9100, name: 'metrics' }]),
    sts('api', 'prod', { app: 'api', tier: 'be' }, [
      { containerPort: 9090, name: 'http' }, { containerPort: 7070, name: 'grpc' },
      { containerPort: 5353, name: 'dns', protocol: 'UDP' }, { containerPort: 3868, name: 'diameter', protocol: 'SCTP' },
    ]),
    ds('agent', 'prod', { app: 'agent' }, [{ containerPort: 7000, name: 'http' }]),
    // its proxy port is a sidecar's (an init container with restartPolicy Always)
    deploy('side', 'prod', { app: 'side' }, [{ containerPort: 8000, name: 'app' }], {
      initContainers: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:1.0.0', restartPolicy: 'Always', ports: [{ containerPort: 15001, name: 'proxy' }] }],
    }),
    deploy('cli', 'dev', { app: 'cli' }),
    deploy('web', 'dev', { app: 'web', tier: 'fe' }, [{ containerPort: 8080, name: 'http' }]),
    cron('backup', 'ops', { app: 'backup' }, [{ containerPort: 9999, name: 'status' }]),
    job('migrate', 'ops', { app: 'migrate' }),
    pod('stray', 'ghost', { app: 'stray' }, [{ containerPort: 6000, name: 'http' }]),
    deploy('loner', undefined, { app: 'loner' }, [{ containerPort: 5000, name: 'http' }]),
  ];
}
