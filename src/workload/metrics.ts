import { ApiObjectMetadata } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import * as mon from '../../imports/monitoring.coreos.com';
import { trafficDefaultsOf } from '../core/chart-context';
import { DEFAULTS } from '../core/defaults';
import { fail } from '../core/errors';
import { EXTRA_SERVICE_LABEL } from '../core/labels';
import type { IngressControllerRef } from '../core/traffic';
import { tsLiteral } from '../core/validation';
import { ITrafficSubject, NetworkAccess } from './network';

/**
 * Prometheus scraping through a ServiceMonitor (prometheus-operator): what every workload that
 * takes `metrics` shares. Each adds its `port`.
 */
export interface MetricsOptions {
  /** @default '/metrics' */
  readonly path?: string;
  /** @default '30s' */
  readonly interval?: string;
  /**
   * The Prometheus pods, admitted to the metrics port even once the workload is isolated.
   * @default - the chart's or the App's `traffic.prometheus`, else DEFAULTS.traffic.prometheus
   *   (prometheus-operator's Prometheus in namespace 'monitoring')
   */
  readonly scraper?: IngressControllerRef;
  /**
   * More labels on the ServiceMonitor, for a Prometheus that selects ServiceMonitors by label
   * (kube-prometheus-stack: `{ release: '<its release name>' }`).
   * @default - only timonel's standard labels
   */
  readonly labels?: Record<string, string>;
}

/** A workload whose metrics are scraped: its pods, and the metadata of its objects. */
export interface IMetricsSubject extends ITrafficSubject {
  metadata(suffix?: string): ApiObjectMetadata;
}

/** The pods that scrape a workload: `scraper`, else the chart's or App's `traffic.prometheus`, else DEFAULTS.traffic.prometheus. */
export function scraperOf(scope: IConstruct, scraper?: IngressControllerRef): IngressControllerRef {
  return scraper ?? trafficDefaultsOf(scope).prometheus ?? DEFAULTS.traffic.prometheus;
}

/**
 * Admits the scraper to the metrics port (a container port), even once the workload is isolated;
 * `portName` is the port's name on the pods when the workload does not declare it in `ports` (a Worker).
 */
export function admitScraper(workload: IMetricsSubject, port: number, scraper?: IngressControllerRef, portName?: string): void {
  NetworkAccess.of(workload)._admitIngressController({ ports: [port], controller: scraperOf(workload, scraper) }, portName ? [{ name: portName, port }] : []);
}

/** The ServiceMonitor `<name>` (id 'ServiceMonitor') scraping the port named `portName` of the Services that select the workload's pods. */
export function addServiceMonitor(workload: IMetricsSubject, m: MetricsOptions, portName: string): mon.ServiceMonitor {
  const path = m.path ?? DEFAULTS.metrics.path;
  if (!path.startsWith('/')) fail({ scope: workload, prop: 'metrics.path', message: "must start with '/'", value: path, allowed: "an absolute URL path starting with '/', without spaces", fix: `use '/${path}'` });
  const metadata = workload.metadata();
  for (const key of Object.keys(m.labels ?? {})) {
    if (metadata.labels?.[key] !== undefined) {
      fail({
        scope: workload, prop: `metrics.labels.${key}`, message: 'is a label timonel sets on every object', value: m.labels![key],
        allowed: `a label key other than ${Object.keys(metadata.labels ?? {}).map((k) => `'${k}'`).join(', ')}`, fix: 'use another key (a Prometheus selects ServiceMonitors by a label of its own, e.g. release)',
      });
    }
  }
  return new mon.ServiceMonitor(workload, 'ServiceMonitor', {
    metadata: m.labels ? { ...metadata, labels: { ...metadata.labels, ...m.labels } } : metadata,
    spec: {
      // Not the extra Services of the same pods: each would make every pod a target once more.
      selector: { matchLabels: { ...workload.selectorLabels }, matchExpressions: [{ key: EXTRA_SERVICE_LABEL, operator: 'DoesNotExist' }] },
      endpoints: [{ port: portName, path, interval: m.interval ?? DEFAULTS.metrics.interval }],
    },
  });
}

/**
 * The headless Service `<name>-metrics` (id 'MetricsService') a ServiceMonitor finds the pods of a
 * workload that serves nothing else through: only the metrics port, no cluster IP (Prometheus
 * scrapes each pod, and no client needs a virtual IP).
 */
export function addMetricsService(workload: IMetricsSubject, port: number, prop = 'metrics.port'): k8s.KubeService {
  const metadata = workload.metadata(DEFAULTS.metrics.serviceSuffix);
  const name = metadata.name!;
  if (name.length > 63) {
    fail({
      scope: workload, prop, message: `makes the Service name '${name}' ${name.length} characters long, over the 63 of a DNS label`, value: port,
      allowed: `a name of at most ${62 - DEFAULTS.metrics.serviceSuffix.length} characters for a workload with metrics`,
      fix: `shorten the workload's name ('name', or its id) by ${name.length - 63} characters`,
    });
  }
  return new k8s.KubeService(workload, 'MetricsService', {
    metadata,
    spec: {
      clusterIp: 'None',
      selector: { ...workload.selectorLabels },
      ports: [{ name: DEFAULTS.metrics.portName, port, targetPort: k8s.IntOrString.fromString(DEFAULTS.metrics.portName), protocol: 'TCP' }],
    },
  });
}

// Per workload that takes a `metrics` prop but serves no port (a Worker): its metrics port, when given.
const METRICS_PROP = new WeakMap<IConstruct, { readonly port?: number; readonly scraper: IngressControllerRef }>();

/** Records that `workload` serves no port but takes `metrics` (and its port and scraper, when given), for the fix of a refused `allowFrom`. */
export function noteMetricsProp(workload: IConstruct, metrics?: { readonly port: number; readonly scraper?: IngressControllerRef }): void {
  METRICS_PROP.set(workload, { port: metrics?.port, scraper: scraperOf(workload, metrics?.scraper) });
}

/**
 * For `allowFrom(pods)` on a workload that serves no port but takes `metrics`: how to let `pods`
 * scrape it. Undefined for any other workload.
 */
export function metricsFix(workload: IConstruct, pods: { readonly namespace?: string; readonly podLabels?: Record<string, string> }): string | undefined {
  const m = METRICS_PROP.get(workload);
  if (!m) return undefined;
  const id = workload.node.id;
  const isScraper = pods.namespace === m.scraper.namespace && JSON.stringify(Object.entries(pods.podLabels ?? {}).sort()) === JSON.stringify(Object.entries(m.scraper.podLabels).sort());
  const scraper = isScraper ? '' : `, scraper: ${tsLiteral(pods)}`;
  if (m.port === undefined) {
    return `${id} serves no port, and admits only a metrics scraper: to let these pods scrape its metrics, declare its metrics port in its props, `
      + `e.g. metrics: { port: 9394${scraper} } (the scraper is admitted on that port only; a headless Service '<name>-${DEFAULTS.metrics.serviceSuffix}' and a ServiceMonitor come with it); `
      + 'for a process that serves clients, use a WebApp';
  }
  return isScraper
    ? `remove the call: metrics.port ${m.port} already admits these pods (metrics.scraper)`
    : `to let these pods scrape ${id}'s metrics instead of ${tsLiteral(m.scraper)}, set metrics: { port: ${m.port}${scraper} }; `
      + `to admit them as well, NetworkAccess.of(${id}).admitIngressController({ ports: [${m.port}], controller: ${tsLiteral(pods)} })`;
}
