import { Construct } from 'constructs';
import { NodeAgent } from '../constructs/node-agent';
import { TimonelChart } from '../app/chart';
import { Probe } from '../core/probes';

/**
 * Node-level logging, namespace `logging`: a Fluent Bit NodeAgent on every node (control plane
 * included) that reads the nodes' container logs. Reading /var/log is host access, so the
 * chart's Namespace admits privileged pods and the agent states why, in the YAML.
 */
export function loggingChart(scope: Construct): TimonelChart {
  const chart = new TimonelChart(scope, 'logging', { namespace: 'logging', podSecurity: 'privileged' });

  new NodeAgent(chart, 'shipper', {
    image: 'fluent/fluent-bit:3.1.9',
    component: 'logging',
    ports: [{ name: 'metrics', port: 2020 }],
    liveness: Probe.http('/', { port: 'metrics' }),
    readiness: Probe.http('/api/v1/health', { port: 'metrics' }),
    resources: { cpu: { request: '50m' }, memory: { request: '64Mi', limit: '128Mi' } },
    tolerateAllTaints: true,
    priorityClassName: 'system-node-critical',
    hostPaths: [
      { name: 'varlog', path: '/var/log', reason: 'reads the container logs of every pod on the node' },
    ],
  });

  return chart;
}
