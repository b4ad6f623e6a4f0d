import { Construct } from 'constructs';
import * as gw from '../../imports/gateway.networking.k8s.io';
import { DEFAULTS } from '../core/defaults';
import { fail } from '../core/errors';
import { HOST_NAME_ALLOWED, hostNameFix, isValidName, NameRule } from '../core/names';
import { findPort, PortSpec } from '../core/ports';
import type { IngressControllerRef } from '../core/traffic';

/** The Gateway a route attaches to. */
export interface RouteGatewayRef {
  /** The Gateway's name. */
  readonly name: string;
  /** The Gateway's namespace (it must allow routes from the app's namespace). @default - the app's namespace */
  readonly namespace?: string;
  /** One listener of the Gateway. @default - every listener that accepts the route */
  readonly sectionName?: string;
}

/** One path of a route. */
export interface RoutePath {
  /** @default '/' */
  readonly path?: string;
  /** @default 'PathPrefix' */
  readonly type?: 'PathPrefix' | 'Exact';
  /** The app's port it goes to, by number or name. @default - the main port */
  readonly port?: number | string;
}

/**
 * A Gateway API HTTPRoute from a Gateway to the app's Service.
 * @see https://gateway-api.sigs.k8s.io/api-types/httproute/
 */
export interface RouteOptions {
  /** The parent Gateway (required). */
  readonly gateway: RouteGatewayRef;
  /** Host names the route serves ('shop.example.com', '*.example.com'). @default - every host of the Gateway's listeners */
  readonly hostnames?: string[];
  /** @default [{ path: '/' }] */
  readonly paths?: RoutePath[];
  /**
   * The Gateway's data-plane pods, admitted to the routed ports once the app is isolated: Envoy
   * Gateway's in 'envoy-gateway-system' labelled `gateway.envoyproxy.io/owning-gateway-name: <gateway>`
   * (and `owning-gateway-namespace`), Istio's in the Gateway's namespace labelled
   * `gateway.networking.k8s.io/gateway-name: <gateway>`.
   * @default - the chart's or the App's `traffic.gateway`, else their `traffic.ingressController`;
   *   with neither, an isolated app (`isolate`, or a client) is an error, since no Gateway's pods
   *   would be admitted (ingress-nginx, the Ingress default, serves no routes)
   */
  readonly controller?: IngressControllerRef;
}

/** What a route of a workload needs. */
export interface RouteBackend {
  readonly metadata: { name?: string; labels?: Record<string, string> };
  readonly serviceName: string;
  /** The Service's ports (the main one first). */
  readonly ports: readonly PortSpec[];
}

/** An HTTPRoute (id 'Route', gateway.networking.k8s.io/v1) with one rule per path. */
export function addRoute(scope: Construct, b: RouteBackend, r: RouteOptions, prop = 'route'): gw.HttpRoute {
  const g = r.gateway;
  if (!g || typeof g.name !== 'string' || !isValidName(g.name, NameRule.DNS_1123_SUBDOMAIN)) {
    fail({ scope, prop: `${prop}.gateway.name`, message: 'is required: the Gateway the route attaches to', value: g?.name, allowed: "a Gateway name such as 'public'", fix: "route: { gateway: { name: 'public', namespace: 'gateways' } }" });
  }
  if (g.namespace !== undefined && !isValidName(g.namespace, NameRule.DNS_1123_LABEL)) {
    fail({ scope, prop: `${prop}.gateway.namespace`, message: 'is not a valid namespace name', value: g.namespace, allowed: "a namespace name: lowercase letters, digits and '-', at most 63 characters", fix: "write the Gateway's namespace, e.g. 'gateways'" });
  }
  if (g.sectionName !== undefined && !isValidName(g.sectionName, NameRule.DNS_1123_SUBDOMAIN)) {
    fail({ scope, prop: `${prop}.gateway.sectionName`, message: 'is not a valid listener name', value: g.sectionName, allowed: "a listener name of the Gateway, lowercase, e.g. 'https'", fix: "write the listener's name as the Gateway spells it, or leave sectionName out for every listener" });
  }
  const hostnames = r.hostnames;
  if (hostnames !== undefined) {
    if (hostnames.length === 0) fail({ scope, prop: `${prop}.hostnames`, message: 'must list at least one host, or be left out for every host of the Gateway', value: hostnames, allowed: 'one or more host names, or no hostnames', fix: 'add a host, or leave hostnames out' });
    const seen = new Set<string>();
    hostnames.forEach((h, i) => {
      const bare = typeof h === 'string' && h.startsWith('*.') ? h.slice(2) : h;
      if (typeof bare !== 'string' || !isValidName(bare, NameRule.DNS_1123_SUBDOMAIN) || !bare.includes('.') || /^[0-9.]+$/.test(bare)) {
        fail({ scope, prop: `${prop}.hostnames[${i}]`, message: 'is not a valid host name', value: h, allowed: HOST_NAME_ALLOWED, fix: hostNameFix(h) });
      }
      if (seen.has(h)) fail({ scope, prop: `${prop}.hostnames[${i}]`, message: 'is listed twice', value: h, allowed: 'each host once', fix: 'list each host once' });
      seen.add(h);
    });
  }
  const paths = r.paths ?? [{}];
  if (paths.length === 0) fail({ scope, prop: `${prop}.paths`, message: 'must list at least one path', value: paths, allowed: "one or more paths, or no paths (for '/')", fix: "leave it out for '/'" });
  const seenPaths = new Set<string>();
  const rules: gw.HttpRouteSpecRules[] = paths.map((p, i) => {
    const value = p.path ?? DEFAULTS.ingress.path;
    if (typeof value !== 'string' || !value.startsWith('/')) fail({ scope, prop: `${prop}.paths[${i}].path`, message: "must start with '/'", value, allowed: "an absolute URL path starting with '/', without spaces", fix: typeof value === 'string' ? `use '/${value}'` : "write a path such as '/'" });
    const type = p.type ?? 'PathPrefix';
    if (type !== 'PathPrefix' && type !== 'Exact') fail({ scope, prop: `${prop}.paths[${i}].type`, message: 'is not a path match type', value: type, allowed: "'PathPrefix' or 'Exact'", fix: "leave it out for 'PathPrefix', or write 'Exact'" });
    if (seenPaths.has(`${type} ${value}`)) fail({ scope, prop: `${prop}.paths[${i}].path`, message: 'is listed twice', value, allowed: 'each path once per match type', fix: 'list each path once (with its match type)' });
    seenPaths.add(`${type} ${value}`);
    const port = findPort(scope, `${prop}.paths[${i}].port`, b.ports, p.port);
    return {
      matches: [{ path: { type: type === 'Exact' ? gw.HttpRouteSpecRulesMatchesPathType.EXACT : gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value } }],
      backendRefs: [{ kind: 'Service', name: b.serviceName, port: port.servicePort ?? port.port }],
    };
  });
  return new gw.HttpRoute(scope, 'Route', {
    metadata: { ...b.metadata },
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: g.name, namespace: g.namespace, sectionName: g.sectionName }],
      hostnames,
      rules,
    },
  });
}
