import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULTS } from '../core/defaults';
import { fail, PropIssue } from '../core/errors';
import { HOST_NAME_ALLOWED, hostNameFix, isHostName } from '../core/names';
import { findPort, PortSpec, servesGrpc } from '../core/ports';

/** How an Ingress path matches. */
export type IngressPathType = 'Prefix' | 'Exact' | 'ImplementationSpecific';

/** HTTPS for a host of an Ingress. */
export interface IngressTlsOptions {
  /** The Secret holding the certificate. @default '<name>-tls' (one host), '<name>-<host with dashes>-tls' (`rules`) */
  readonly secretName?: string;
  /** A cert-manager ClusterIssuer that issues the certificate into the Secret. @default - the Secret must exist */
  readonly clusterIssuer?: string;
}

/** One path of a host. */
export interface IngressPath {
  /** @default '/' */
  readonly path?: string;
  /** @default 'Prefix' */
  readonly pathType?: IngressPathType;
  /** The app's port it goes to, by number or name. @default - the main port */
  readonly port?: number | string;
}

/** One host of an Ingress, with its paths and its own TLS. */
export interface IngressHostRule {
  /** The host name, e.g. 'shop.example.com' (a leading '*.' is allowed). */
  readonly host: string;
  /** @default [{ path: '/' }] */
  readonly paths?: IngressPath[];
  /** Serve this host over HTTPS. @default - HTTP only */
  readonly tls?: IngressTlsOptions;
}

/** What an Ingress of a workload needs: names, the Service and its ports. */
export interface IngressBackend {
  readonly name: string;
  readonly metadata: k8s.ObjectMeta;
  readonly serviceName: string;
  /** The Service's ports (the main one first). */
  readonly ports: readonly PortSpec[];
}

/** The resolved shape of an Ingress: rules with the one-host shortcut folded in. */
export interface IngressSpecInput {
  readonly className?: string;
  readonly annotations?: Record<string, string>;
  readonly rules: readonly IngressHostRule[];
  /** The shortcut's single host may be absent (any host); its TLS Secret defaults to '<name>-tls'. */
  readonly shortcut: boolean;
  /** The prop the rules came from, for errors ('ingress' or 'ingress.rules'). */
  readonly prop: string;
}

/**
 * An Ingress (id 'Ingress') with one rule per host, each with its paths, and a TLS entry per
 * host that asks for it. Hosts and paths are checked; hosts are unique, and so are paths per host.
 */
export function addIngress(scope: Construct, b: IngressBackend, input: IngressSpecInput): k8s.KubeIngress {
  const seenHosts = new Set<string>();
  const issuers = new Set<string>();
  const tls: k8s.IngressTls[] = [];
  const routed: PortSpec[] = [];
  const rules: k8s.IngressRule[] = input.rules.map((r, i) => {
    const at = input.shortcut ? 'ingress' : `${input.prop}[${i}]`;
    if (r.host !== undefined) checkHost(scope, `${at}${input.shortcut ? '.host' : '.host'}`, r.host);
    const hostKey = r.host ?? '';
    if (seenHosts.has(hostKey)) fail({ scope, prop: `${at}.host`, message: 'is listed twice', value: r.host, allowed: 'each host once', fix: 'put every path of a host in one rule' });
    seenHosts.add(hostKey);
    if (r.tls) {
      if (r.host === undefined) fail({ scope, prop: `${at}.tls`, message: 'needs ingress.host: a certificate is issued for a host name', value: r.tls, allowed: 'tls with a host', fix: "set 'ingress.host'" });
      const secretName = r.tls.secretName ?? (input.shortcut ? `${b.name}-tls` : `${b.name}-${r.host.replace(/^\*\./, 'wildcard.').replace(/\./g, '-')}-tls`);
      tls.push({ hosts: [r.host], secretName });
      if (r.tls.clusterIssuer) issuers.add(r.tls.clusterIssuer);
    }
    const seenPaths = new Set<string>();
    const paths = (r.paths ?? [{}]).map((p, j) => {
      const pp = input.shortcut ? 'ingress' : `${at}.paths[${j}]`;
      const path = p.path ?? DEFAULTS.ingress.path;
      if (typeof path !== 'string' || !path.startsWith('/')) fail({ scope, prop: `${pp}.path`, message: "must start with '/'", value: path, allowed: "an absolute URL path starting with '/', without spaces", fix: typeof path === 'string' ? `use '/${path}'` : "write a path such as '/'" });
      const pathType = p.pathType ?? DEFAULTS.ingress.pathType;
      if (seenPaths.has(`${pathType} ${path}`)) fail({ scope, prop: `${pp}.path`, message: `is listed twice for ${r.host ?? 'any host'}`, value: path, allowed: 'each path once per host (and path type)', fix: 'list each path once' });
      seenPaths.add(`${pathType} ${path}`);
      const port = findPort(scope, `${pp}.port`, b.ports, p.port);
      routed.push(port);
      return { path, pathType, backend: { service: { name: b.serviceName, port: { name: port.name } } } };
    });
    return { host: r.host, http: { paths } };
  });
  if (issuers.size > 1) {
    fail({
      scope, prop: input.prop, message: 'names several cert-manager ClusterIssuers, but one Ingress carries one issuer annotation', value: [...issuers],
      allowed: 'one clusterIssuer for every host of the Ingress', fix: 'use one clusterIssuer for every host (or a second WebApp route for the other hosts)',
    });
  }
  const annotations: Record<string, string> = { ...input.annotations };
  if (issuers.size === 1) annotations[DEFAULTS.ingress.certManagerIssuerAnnotation] = [...issuers][0];
  const grpc = grpcBackendProtocol(scope, input, routed);
  if (grpc) annotations[DEFAULTS.ingress.nginxBackendProtocolAnnotation] = grpc;
  return new k8s.KubeIngress(scope, 'Ingress', {
    metadata: { ...b.metadata, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: { ingressClassName: input.className, tls: tls.length ? tls : undefined, rules },
  });
}

// ingress-nginx ignores appProtocol and speaks HTTP/1.1 to a gRPC backend unless annotated; the
// annotation holds for the whole Ingress, so gRPC and HTTP paths cannot share one.
function grpcBackendProtocol(scope: Construct, input: IngressSpecInput, routed: readonly PortSpec[]): string | undefined {
  const key = DEFAULTS.ingress.nginxBackendProtocolAnnotation;
  if (input.className === undefined || !(DEFAULTS.traffic.ingressControllerClasses as readonly string[]).includes(input.className)) return undefined;
  if (input.annotations?.[key] !== undefined) return undefined;
  const grpc = [...new Set(routed.filter(servesGrpc).map((p) => p.name))];
  if (grpc.length === 0) return undefined;
  const http = [...new Set(routed.filter((p) => !servesGrpc(p)).map((p) => p.name))];
  if (http.length) {
    fail({
      scope, prop: input.shortcut ? 'ingress' : input.prop,
      message: `routes both gRPC (${grpc.map((n) => `'${n}'`).join(', ')}) and HTTP (${http.map((n) => `'${n}'`).join(', ')}) ports through one ingress-nginx Ingress, `
        + `whose '${key}' annotation holds for every path`,
      value: { grpc, http }, allowed: 'an Ingress of class nginx with only gRPC or only HTTP ports',
      fix: `route the gRPC port through a Gateway API route (route, which honours appProtocol), or set ingress.annotations: { '${key}': 'GRPC' } (or 'HTTP') yourself for every path`,
    });
  }
  return 'GRPC';
}

function checkHost(scope: Construct, prop: string, host: string): void {
  if (!isHostName(host)) {
    fail({ scope, prop, message: 'is not a valid host name', value: host, allowed: HOST_NAME_ALLOWED, fix: hostNameFix(host) });
  }
}

// Where the controllers of well-known IngressClasses usually run (their Helm charts' or
// quick starts' defaults), to make the fix concrete. Never a default: installs differ.
const CONTROLLER_EXAMPLES: Readonly<Record<string, { readonly ref: string; readonly label: string; readonly what: string }>> = {
  traefik: { what: 'Traefik (its Helm chart; k3s runs it in kube-system)', ref: "{ namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } }", label: 'app.kubernetes.io/name=traefik' },
  haproxy: { what: 'the HAProxy Kubernetes Ingress controller (its Helm chart)', ref: "{ namespace: 'haproxy-controller', podLabels: { 'app.kubernetes.io/name': 'kubernetes-ingress' } }", label: 'app.kubernetes.io/name=kubernetes-ingress' },
  contour: { what: "Contour (its quick start: Envoy's pods forward the traffic)", ref: "{ namespace: 'projectcontour', podLabels: { app: 'envoy' } }", label: 'app=envoy' },
};

// Classes whose traffic comes from a cloud load balancer outside the cluster, not from pods.
const CLOUD_CLASSES = new Set(['alb', 'gce', 'gce-internal', 'azure-application-gateway']);

/**
 * The problem of an isolated app whose Ingress names a class the admitted controller does not
 * serve: no `ingress.controller`, no `traffic.ingressController`, so ingress-nginx's pods are
 * admitted while another controller forwards the traffic. `why` says what isolated the app.
 */
export function unservedIngressClass(className: string, why: string): PropIssue {
  const served = DEFAULTS.traffic.ingressControllerClasses.map((c) => `'${c}'`).join(', ');
  const base = {
    prop: 'ingress.className',
    message: `names a class the admitted ingress controller does not serve: the app is isolated (${why}), so its NetworkPolicy admits only declared pods, `
      + `and neither ingress.controller nor the chart's or App's traffic.ingressController is set, so the pods admitted for the Ingress are ingress-nginx's `
      + `(DEFAULTS.traffic.ingressController, which serves class ${served}); the '${className}' controller that forwards this Ingress would be refused`,
    value: className,
    allowed: `className ${served} with the default controller, or the pods of the controller that serves '${className}' as ingress.controller or traffic.ingressController`,
  };
  if (CLOUD_CLASSES.has(className)) {
    return {
      ...base,
      fix: `'${className}' is served by the cloud's load balancer, which sends from addresses outside the cluster rather than from pods: `
        + 'admit any source on the app\'s ports with public: true (the load balancer and its security groups or firewall rules decide who gets in)',
    };
  }
  const known = CONTROLLER_EXAMPLES[className];
  const ref = known?.ref ?? "{ namespace: '<its namespace>', podLabels: { <labels of its pods> } }";
  return {
    ...base,
    fix: `admit the pods of the controller that serves '${className}'${known ? `, e.g. for ${known.what}` : ''}: ingress: { className: '${className}', controller: ${ref}, … }, `
      + `or once for every app: new App({ traffic: { ingressController: ${ref} } }) (or a TimonelChart's traffic.ingressController); `
      + (known ? `check the namespace and labels with kubectl get pods -A -l ${known.label} --show-labels` : 'find them with kubectl get pods -A --show-labels'),
  };
}
