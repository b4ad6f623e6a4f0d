import { cidrProblem, exceptProblem } from '../../core/specs';
import { defineRule } from '../rule';
import { arr, obj } from './util';

/** A NetworkPolicy's ipBlocks: CIDRs, each `except` a strict subset of its `cidr` (ValidateIPBlock). */
export default defineRule({
  id: 'api-ip-block',
  severity: 'error',
  category: 'api',
  rationale: "The API server rejects a NetworkPolicy whose ipBlock has a cidr or except that is not a CIDR, or an except that is not a strict subset of its cidr.",
  kinds: ['NetworkPolicy'],
  check(o, report) {
    const spec = obj(o.manifest.spec);
    const blocks = (rules: unknown, peers: 'from' | 'to', at: string) =>
      arr(rules).flatMap((rule, i) => arr(obj(rule)[peers]).map((peer, j) => ({ block: obj(peer).ipBlock, field: `${at}[${i}].${peers}[${j}].ipBlock` })));
    for (const { block, field } of [...blocks(spec.ingress, 'from', 'spec.ingress'), ...blocks(spec.egress, 'to', 'spec.egress')]) {
      if (block === undefined || block === null) continue;
      const b = obj(block);
      const cidr = b.cidr;
      const cidrIssue = typeof cidr === 'string' ? cidrProblem(cidr, 'allow') : { message: 'is required and must be a CIDR', fix: "write cidr: '203.0.113.0/24'" };
      if (cidrIssue) report({ field: `${field}.cidr`, value: cidr, ...cidrIssue });
      arr(b.except).forEach((e, k) => {
        const problem = typeof e !== 'string' ? { message: 'must be a CIDR', fix: "write it as a string, e.g. '203.0.113.0/28'" } : cidrProblem(e, 'allow') ?? (cidrIssue ? undefined : exceptProblem(cidr, e));
        if (problem) report({ field: `${field}.except[${k}]`, value: e, ...problem });
      });
    }
  },
});
