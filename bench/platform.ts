/**
 * The benchmark platform: N services, each its own TimonelChart (and namespace), as a team per
 * service would lay them out. Built from timonel's own constructs only, so the same function
 * fills a timonel `App` and a plain cdk8s `App` with identical construct trees.
 */
import { Construct } from 'constructs';
import { BatchJob } from '../src/constructs/batch-job';
import { WebApp } from '../src/constructs/web-app';
import { TimonelChart } from '../src/app/chart';
import { NetworkAccess } from '../src/workload/network';

/** One service: a chart `svc-<i>` in namespace `svc-<i>` with a WebApp and, every tenth, a CronJob
 * that connects to it. No chart depends on another, so each chart's file is the same whether the
 * chart is synthesized alone or with all the others. */
export function buildService(scope: Construct, i: number): TimonelChart {
  const id = `svc-${i}`;
  const chart = new TimonelChart(scope, id, { namespace: id });
  const web = new WebApp(chart, 'web', {
    image: `ghcr.io/acme/${id}:1.${i % 10}.${i % 7}`,
    component: 'frontend',
    port: 8080,
    healthPath: '/healthz',
    config: { LOG_LEVEL: 'info', SERVICE_ID: id, UPSTREAM_URL: `http://${id}-api.${id}.svc` },
    autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 },
    ingress: { host: `${id}.example.com`, className: 'nginx', tls: { clusterIssuer: 'letsencrypt-prod' } },
    isolate: true,
  });
  if (i % 10 === 0) {
    const cleanup = new BatchJob(chart, 'cleanup', {
      image: `ghcr.io/acme/${id}-cleanup:2.0.${i % 5}`,
      component: 'maintenance',
      schedule: `${i % 60} 3 * * *`,
      args: ['--older-than', '30d'],
      resources: { cpu: { request: '200m' }, memory: { request: '256Mi', limit: '512Mi' } },
      // env WEB_HOST/WEB_PORT, a NetworkPolicy pair and apply order.
      connectTo: [web],
    });
    // Its pods serve nothing: admit nothing (its connection restricts only its egress).
    NetworkAccess.of(cleanup).isolate();
  }
  return chart;
}

/** Builds N services into `scope` (a timonel App or a plain cdk8s App). */
export function buildBenchPlatform(scope: Construct, n: number): void {
  for (let i = 0; i < n; i++) buildService(scope, i);
}
