import { DEFAULTS } from '../../core/defaults';
import { HOST_NAME_ALLOWED, hostNameFix, isHostName, NameRule } from '../../core/names';
import { onService } from '../../core/ports';
import { Probe } from '../../core/probes';
import {
  annotationMap, appProtocol, cidr, controllerRef, httpPath, httpPathSpec, labelKeyProblem, nameSpec, portName, portNumber, portSpec,
} from '../../core/specs';
import { Fields, Reporter, v } from '../../core/validation';
import {
  AUTOSCALING, checkIpFamilies, checkReplicasWithAutoscaling, checkServicePorts, checkWorkload, DEPLOYMENT_ROLLOUT, DRAIN, IP_FAMILY_FIELDS, METRICS_FIELDS, SERVED_REFUSED, WORKLOAD_FIELDS,
} from '../../workload/specs';
import type { IngressHostRule, IngressPath, IngressTlsOptions } from '../../workload/ingress';
import type { RouteGatewayRef, RouteOptions, RoutePath } from '../../workload/route';
import type {
  WebAppExtraServiceOptions, WebAppIngressOptions, WebAppMetricsOptions, WebAppProps, WebAppServiceBaseOptions, WebAppServiceOptions, WebAppServicePort,
} from '../web-app';

const SERVICE_TYPE = v.oneOf(['ClusterIP', 'NodePort', 'LoadBalancer'] as const, { fix: 'an ExternalName Service selects no pods: it is not a WebApp' });

// timonel writes its own keys (suppressions with their checked reasons) through Policy.suppress.
const serviceAnnotations = v.record(v.string(), {
  key: (k) => labelKeyProblem(k) ?? (k.startsWith('timonel.dev/') ? {
    message: "uses a key under 'timonel.dev/', which timonel sets itself",
    allowed: 'a key of your own domain or of the load balancer controller',
    fix: "to suppress a rule on the Service: Policy.suppress(app.service, '<rule-id>', '<reason>')",
  } : undefined),
  keys: ['service.beta.kubernetes.io/aws-load-balancer-scheme', 'example.com/a'],
});

/** The fields the main and the extra Services share. */
const SERVICE_BASE: Fields<WebAppServiceBaseOptions> = {
  type: SERVICE_TYPE,
  annotations: serviceAnnotations,
  externalTrafficPolicy: v.oneOf(['Cluster', 'Local'] as const),
  loadBalancerSourceRanges: v.array(cidr, { minItems: 1 }),
  loadBalancerClass: v.string({
    allowed: "a label-style name, optionally prefixed, e.g. 'service.k8s.aws/nlb'",
    samples: ['service.k8s.aws/nlb', 'example.com/internal-vip'],
    check: (s) => labelKeyProblem(s) && { message: 'is not a valid load balancer class', fix: labelKeyProblem(s)?.fix?.replace(/^use a name such as .*$/, "write a prefixed name such as 'service.k8s.aws/nlb'") },
  }),
  ...IP_FAMILY_FIELDS,
};

// Fields that only some Service types take: the API server rejects them on the others.
function checkServiceBase(s: WebAppServiceBaseOptions, r: Reporter): void {
  checkIpFamilies(s, r);
  const type = s.type ?? DEFAULTS.webApp.serviceType;
  const only = (prop: keyof WebAppServiceBaseOptions, types: readonly string[]) => {
    if (s[prop] === undefined || types.includes(type)) return;
    r.issue(prop, {
      message: `only applies to a ${types.join(' or ')} Service, but the type is '${type}'`, value: s[prop],
      allowed: `a Service of type ${types.map((t) => `'${t}'`).join(' or ')}`, fix: `set 'type: '${types[0]}'', or remove '${prop}'`,
    });
  };
  only('externalTrafficPolicy', ['LoadBalancer', 'NodePort']);
  only('loadBalancerSourceRanges', ['LoadBalancer']);
  only('loadBalancerClass', ['LoadBalancer']);
}

const service = v.object<WebAppServiceOptions>()({ ...SERVICE_BASE, port: portNumber }, { what: 'service option', check: checkServiceBase });

/** The spec of an extra Service (`extraServices` items, `addExtraService`). */
export const EXTRA_SERVICE = v.object<WebAppExtraServiceOptions>()({
  ...SERVICE_BASE,
  suffix: v.required(nameSpec(NameRule.DNS_1123_LABEL)),
  ports: v.array(v.object<WebAppServicePort>()({ name: v.required(portName), port: portNumber }, { what: 'service port field' }), { minItems: 1 }),
}, { what: 'extra service option', check: checkServiceBase });

const CONTROLLER = controllerRef;


const host = v.string({
  allowed: HOST_NAME_ALLOWED,
  check: (h) => (isHostName(h) ? undefined : { message: 'is not a valid host name', fix: hostNameFix(h) }),
});
const pathType = v.oneOf(['Prefix', 'Exact', 'ImplementationSpecific'] as const);
const tls = v.object<IngressTlsOptions>()({
  secretName: nameSpec(NameRule.DNS_1123_SUBDOMAIN),
  clusterIssuer: v.string({ nonEmpty: true }),
}, { what: 'tls option' });
const hostRule = v.object<IngressHostRule>()({
  host: v.required(host),
  paths: v.array(v.object<IngressPath>()({
    path: httpPath, pathType, port: v.union(portNumber, portName, 'a port number or name of the app'),
  }, { what: 'path option' }), { minItems: 1 }),
  tls,
}, { what: 'ingress rule option' });

const ingress = v.object<WebAppIngressOptions>()({
  rules: v.array(hostRule, { minItems: 1 }),
  host,
  path: httpPath,
  pathType,
  className: nameSpec(NameRule.DNS_1123_SUBDOMAIN),
  tls,
  annotations: annotationMap,
  controller: CONTROLLER,
}, {
  what: 'ingress option',
  check: (i, r) => {
    if (i.tls && i.host === undefined) r.issue('tls', { message: 'needs ingress.host: a certificate is issued for a host name', value: i.tls, allowed: 'tls with ingress.host', fix: "set 'ingress.host'" });
  },
});

const metrics = v.object<WebAppMetricsOptions>()({ port: portNumber, ...METRICS_FIELDS }, { what: 'metrics option' });

/** The spec of WebAppProps. */
export const WEB_APP_PROPS = v.object<WebAppProps>()({
  ...WORKLOAD_FIELDS,
  name: nameSpec(NameRule.DNS_1035_LABEL),
  replicas: v.int({ min: 0 }),
  port: portNumber,
  portName,
  appProtocol,
  extraPorts: v.array(portSpec),
  healthPath: httpPathSpec("the probes dial the pod itself, on the port of the 'port' prop"),
  service,
  extraServices: v.array(EXTRA_SERVICE),
  ingress,
  route: v.object<RouteOptions>()({
    gateway: v.required(v.object<RouteGatewayRef>()({
      name: v.required(nameSpec(NameRule.DNS_1123_SUBDOMAIN)), namespace: nameSpec(NameRule.DNS_1123_LABEL), sectionName: nameSpec(NameRule.DNS_1123_SUBDOMAIN),
    }, {
      what: 'gateway field',
      typeFix: (value) => (typeof value === 'string' ? `name the Gateway and its namespace: gateway: { name: '${value}', namespace: '<the Gateway's namespace>' }` : undefined),
    })),
    hostnames: v.array(host, { minItems: 1 }),
    paths: v.array(v.object<RoutePath>()({
      path: httpPath, type: v.oneOf(['PathPrefix', 'Exact'] as const), port: v.union(portNumber, portName, 'a port number or name of the app'),
    }, { what: 'route path field' }), { minItems: 1 }),
    controller: CONTROLLER,
  }, { what: 'route field' }),
  autoscaling: AUTOSCALING,
  disruptionBudget: v.boolean(),
  spread: v.boolean(),
  isolate: v.boolean(),
  public: v.boolean(),
  metrics,
  rollout: DEPLOYMENT_ROLLOUT,
  drain: DRAIN,
}, { owner: 'WebApp', docs: 'docs/web-app.md', check: checkWebApp, refused: SERVED_REFUSED });

function checkWebApp(p: WebAppProps, r: Reporter): void {
  const d = DEFAULTS.webApp;
  const main = { name: p.portName ?? d.portName, port: p.port ?? d.port };
  const names = new Map<string, string>([[main.name, 'portName']]);
  const numbers = new Map<number, string>([[main.port, 'port']]);
  (p.extraPorts ?? []).forEach((x, i) => {
    if (names.has(x.name)) r.issue(`extraPorts[${i}].name`, { message: `is already the name of '${names.get(x.name)}'`, value: x.name, allowed: 'unique port names', fix: 'rename the port' });
    if (numbers.has(x.port) && (x.protocol ?? 'TCP') === 'TCP') r.issue(`extraPorts[${i}].port`, { message: `is already the number of '${numbers.get(x.port)}'`, value: x.port, allowed: 'each container port once', fix: `give it the number it listens on, or drop it and use '${numbers.get(x.port)}'` });
    names.set(x.name, `extraPorts[${i}]`);
    numbers.set(x.port, `extraPorts[${i}]`);
  });
  const ports = [main, ...(p.extraPorts ?? [])];
  // A ServiceMonitor scrapes through a port of the Service: a pod-only port has none.
  const scraped = (p.extraPorts ?? []).find((x) => x.port === p.metrics?.port && (x.protocol ?? 'TCP') === 'TCP');
  if (scraped !== undefined && !onService(scraped)) {
    r.issue('metrics.port', {
      message: `is the pod-only port '${scraped.name}' (service: false), but the ServiceMonitor scrapes through a port of the Service`, value: p.metrics!.port,
      allowed: 'a port the Service exposes',
      fix: `remove 'service: false' from port '${scraped.name}' (the metrics port is then on the Service, and only Prometheus is admitted to it), or leave 'metrics' out and scrape the pods with a PodMonitor of your own`,
    });
  }
  if (p.metrics?.port !== undefined && !numbers.has(p.metrics.port)) {
    if (names.has('metrics')) r.issue('metrics.port', { message: "is a new port, but the name 'metrics' is taken", value: p.metrics.port, allowed: "the number of the port named 'metrics'", fix: "use the number of the port named 'metrics'" });
    names.set('metrics', 'metrics.port');
    ports.push({ name: 'metrics', port: p.metrics.port });
  }
  checkServicePorts(
    { port: p.service?.port ?? d.servicePort, prop: 'service.port', defaulted: p.service?.port === undefined, containerPort: main.port }, p.extraPorts, r,
    p.metrics?.port !== undefined && !numbers.has(p.metrics.port) ? [{ port: p.metrics.port, prop: 'metrics.port' }] : [],
  );
  checkWorkload(p, ports, r, undefined, { mainPortsProp: 'extraPorts' });
  // healthPath fills the probes not given: an explicit HTTP probe on another path would split them
  // (a startup probe on one endpoint, readiness and liveness on another).
  if (typeof p.healthPath === 'string') {
    for (const kind of ['readiness', 'liveness', 'startup'] as const) {
      const probe = p[kind];
      if (probe instanceof Probe && probe.path !== undefined && probe.path !== p.healthPath) {
        r.issue(kind, {
          message: `checks '${probe.path}', but healthPath is '${p.healthPath}': the probes not given would check the other path`, value: probe.path,
          allowed: `an HTTP probe on '${p.healthPath}', another kind of probe, or no healthPath`,
          fix: `use one path: healthPath: '${probe.path}' (and drop the HTTP probes that only repeat it), or Probe.http('${p.healthPath}', …)`,
        });
      }
    }
  }
  checkReplicasWithAutoscaling(p, r);
}
