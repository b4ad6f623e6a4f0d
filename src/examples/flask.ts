import { Construct } from 'constructs';
import { WebApp } from '../constructs/web-app';
import { TimonelChart } from '../app/chart';

/** The Flask example (src/examples/flask: app.py + Dockerfile) as a WebApp on port 5000. */
export function flaskChart(scope: Construct): TimonelChart {
  const chart = new TimonelChart(scope, 'flask', { namespace: 'flask' });
  new WebApp(chart, 'hola', {
    image: 'ghcr.io/acme/hola-flask:1.0.0',
    port: 5000,
    healthPath: '/healthz',
    config: { GREETING: '¡¡Hola, mundo!' },
    // Isolated, with port 5000 open to any source and nothing else (python:slim ships `sleep`, so the preStop pause works).
    isolate: true,
    public: true,
  });
  return chart;
}
