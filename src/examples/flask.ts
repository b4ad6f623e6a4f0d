import { Construct } from 'constructs';
import { WebApp } from '../constructs/web-app';
import { TimonelChart } from '../app/chart';

/** The Flask example (src/examples/flask: app.py + Dockerfile) as a WebApp on port 5000. */
export function flaskChart(scope: Construct): TimonelChart {
  const chart = new TimonelChart(scope, 'flask', { namespace: 'flask' });
  const hola = new WebApp(chart, 'hola', {
    image: 'ghcr.io/acme/hola-flask:1.0.0',
    port: 5000,
    healthPath: '/healthz',
    config: { GREETING: '¡¡Hola, mundo!' },
    // python:slim ships `sleep`, so a preStop pause lets endpoints drain before gunicorn stops.
    drain: { delaySeconds: 5 },
    // Isolated, with port 5000 open to any source and nothing else.
    isolate: true,
    public: true,
  });
  // It calls nothing: its pods may send only to DNS.
  hola.isolateEgress();
  return chart;
}
