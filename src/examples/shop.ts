import { Construct } from 'constructs';
import { WebApp } from '../constructs/web-app';
import { TimonelChart } from '../core/chart';

/** The parts of the shop, for wiring and tests. */
export interface Shop {
  readonly chart: TimonelChart;
  readonly web: WebApp;
  readonly api: WebApp;
}

/**
 * A small shop: a public web frontend (HTTPS ingress, autoscaling 2–10 at 70% CPU, config)
 * and an internal API.
 */
export function shopChart(scope: Construct): Shop {
  const chart = new TimonelChart(scope, 'shop', { namespace: 'shop' });

  const api = new WebApp(chart, 'api', {
    image: 'ghcr.io/acme/shop-api:3.2.0',
    component: 'api',
    healthPath: '/healthz',
    replicas: 2,
    resources: { cpu: { request: '250m' }, memory: { request: '256Mi', limit: '512Mi' } },
    isolate: true,
    metrics: { port: 9090 },
  });

  const web = new WebApp(chart, 'web', {
    image: 'ghcr.io/acme/shop-web:1.8.4',
    component: 'frontend',
    port: 3000,
    healthPath: '/healthz',
    config: { API_URL: `http://${api.host}`, FEATURE_RECOMMENDATIONS: 'on' },
    autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 },
    ingress: { host: 'shop.example.com', className: 'nginx', tls: { clusterIssuer: 'letsencrypt-prod' } },
    service: { dualStack: true },
    isolate: true,
  });

  return { chart, web, api };
}
