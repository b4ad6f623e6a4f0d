import { defineRule } from '../rule';

/** Long-running containers have readiness and liveness probes. */
export default defineRule({
  id: 'practice-probes',
  severity: 'warning',
  category: 'practice',
  rationale: 'Without a readiness probe traffic reaches pods before they can serve; without a liveness probe a hung process is never restarted.',
  pods: true,
  check(o, report) {
    if (!o.pod!.longRunning) return;
    for (const c of o.pod!.containers) {
      if (c.list !== 'containers') continue;
      const missing = ['readinessProbe', 'livenessProbe'].filter((k) => c.container[k] === undefined);
      if (missing.length) {
        // A container without ports (a Worker) has nothing an httpGet or tcpSocket could reach.
        const ports = c.container.ports;
        const serves = Array.isArray(ports) && ports.length > 0;
        const props = missing.map((k) => k.replace('Probe', '')).join(' and ');
        report({
          field: c.path, container: c.name, message: `has no ${missing.map((k) => k.replace('Probe', '')).join(' or ')} probe for ${c.label}`,
          fix: serves
            ? `add ${missing.join(' and ')} (an httpGet on a health endpoint, or a tcpSocket on the serving port)`
            : `add ${missing.join(' and ')} as an exec probe running a health check command, since the container serves no port (timonel: ${props}: Probe.exec(['/app/healthcheck']))`,
        });
      }
    }
  },
});
