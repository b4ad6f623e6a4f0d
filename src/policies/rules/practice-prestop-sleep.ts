import { fieldPath } from '../model';
import { defineRule } from '../rule';

// Image names that say "no shell, no coreutils": Google's distroless, Ubuntu's chiseled images,
// Chainguard's static image and scratch. A name is only a hint, so this is a warning.
const SHELL_LESS = /(^|[/:@_.-])(distroless|chiseled|chisel|scratch)([/:@_.-]|$)|chainguard\/static([:@]|$)/i;
const SLEEP = new Set(['sleep', '/bin/sleep', '/usr/bin/sleep']);

/** A preStop `sleep` hook in an image whose name says it has no `sleep` (the hook would fail: no pause). */
export default defineRule({
  id: 'practice-prestop-sleep',
  severity: 'warning',
  category: 'practice',
  rationale: "A preStop hook that runs `sleep` fails at once in an image without one (distroless, chiseled), so the pod gets SIGTERM with no pause and traffic is cut mid-rollout.",
  pods: true,
  check(o, report) {
    for (const c of o.pod!.containers) {
      const command = c.container.lifecycle?.preStop?.exec?.command;
      const image = c.container.image;
      if (!Array.isArray(command) || !SLEEP.has(command[0]) || typeof image !== 'string' || !SHELL_LESS.test(image)) continue;
      report({
        field: ['lifecycle', 'preStop', 'exec', 'command'].reduce<string>(fieldPath, c.path),
        message: `runs 'sleep' before SIGTERM for ${c.label}, but the image '${image}' looks shell-less (distroless or chiseled): the hook would fail and there would be no pause`,
        fix: "use drain: { delaySeconds, using: 'sleep-action' } (Kubernetes 1.30 or later), or remove the drain and let the server keep serving a few seconds after SIGTERM",
      });
    }
  },
});
