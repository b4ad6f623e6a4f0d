import { Construct } from 'constructs';
import { BatchJob } from '../constructs/batch-job';
import { ExternalSecret } from '../constructs/external-secret';
import { TimonelChart } from '../app/chart';
import { EnvValue } from '../core/env';

/**
 * Reporting batch work, namespace `reports`: a nightly report CronJob (02:00 Madrid time,
 * database URL from a Secret, a scratch emptyDir for its working files) and a one-off data
 * export as an Indexed Job (4 shards, 2 at a time) that fails at once on exit code 42 (bad input).
 * The Secret `reports-db` comes from Vault through External Secrets Operator (an ExternalSecret,
 * applied before the Jobs that read it).
 */
export function reportsChart(app: Construct): TimonelChart {
  const chart = new TimonelChart(app, 'reports', { namespace: 'reports' });
  const db = new ExternalSecret(chart, 'db', {
    store: 'vault', storeKind: 'ClusterSecretStore',
    data: { url: { remoteKey: 'reports/db', property: 'url' } },
  });

  new BatchJob(chart, 'nightly', {
    image: 'ghcr.io/acme/report-builder:2.3.1',
    component: 'reports',
    schedule: '0 2 * * *',
    timeZone: 'Europe/Madrid',
    args: ['--period', 'yesterday', '--workdir', '/scratch'],
    env: {
      DATABASE_URL: EnvValue.fromSecret(db, 'url'),
      REPORT_FORMAT: 'pdf',
    },
    volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '2Gi' } }],
    mounts: [{ volume: 'scratch', mountPath: '/scratch' }],
    resources: { cpu: { request: '500m' }, memory: { request: '512Mi', limit: '1Gi' } },
  });

  new BatchJob(chart, 'export', {
    image: 'ghcr.io/acme/data-export:1.4.0',
    component: 'export',
    command: ['/app/export'],
    args: ['--shards', '4'],
    env: { DATABASE_URL: EnvValue.fromSecret(db, 'url') },
    completionMode: 'Indexed',
    completions: 4,
    parallelism: 2,
    podFailurePolicy: { failJobOnExitCodes: [42] },
  });

  return chart;
}
