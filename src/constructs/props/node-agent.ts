import { NameRule } from '../../core/names';
import { absolutePath, containerPortSpec, nameSpec, portName, portNumber, protocol } from '../../core/specs';
import { v } from '../../core/validation';
import { checkWorkload, CONNECTION, WORKLOAD_FIELDS, WORKLOAD_REFUSED } from '../../workload/specs';
import type { HostPathMount, HostPortSpec, NodeAgentProps, NodeAgentUpdateOptions } from '../node-agent';

const intOrPercentage = v.union(v.int({ min: 0 }), v.string({ nonEmpty: true }), "a whole number, or a percentage such as '10%'");
const reason = v.required(v.string({ nonEmpty: true, allowed: 'why the agent needs it, at least 10 characters' }));

/** The spec of NodeAgentProps. */
export const NODE_AGENT_PROPS = v.object<NodeAgentProps>()({
  ...WORKLOAD_FIELDS,
  name: nameSpec(NameRule.DNS_1035_LABEL),
  ports: v.array(containerPortSpec),
  update: v.object<NodeAgentUpdateOptions>()({
    type: v.oneOf(['RollingUpdate', 'OnDelete'] as const),
    maxUnavailable: intOrPercentage,
    maxSurge: intOrPercentage,
  }, { what: 'update field' }),
  revisionHistoryLimit: v.int({ min: 0 }),
  tolerateAllTaints: v.boolean(),
  hostPaths: v.array(v.object<HostPathMount>()({
    name: v.required(nameSpec(NameRule.DNS_1123_LABEL)),
    path: v.required(absolutePath),
    mountPath: absolutePath,
    readOnly: v.boolean(),
    type: v.oneOf(['Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'] as const),
    reason,
  }, { what: 'host path field' })),
  hostPorts: v.array(v.object<HostPortSpec>()({
    name: v.required(portName),
    port: v.required(portNumber),
    hostPort: portNumber,
    protocol,
    reason,
  }, { what: 'host port field' })),
  hostNetwork: v.object<{ readonly reason: string }>()({ reason }, { what: 'host network field' }),
  isolate: v.boolean(),
  connectTo: v.array(CONNECTION),
}, {
  owner: 'NodeAgent', docs: 'docs/node-agent.md',
  refused: WORKLOAD_REFUSED,
  // On the host's network a declared port is opened on the node, so a probe may use an undeclared one.
  check: (p, r) => checkWorkload(p, [...(p.ports ?? []), ...(p.hostPorts ?? [])], r, undefined, { mainPortsProp: 'ports', hostNetwork: p.hostNetwork !== undefined }),
});
