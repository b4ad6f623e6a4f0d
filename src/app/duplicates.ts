import { fail } from '../core/errors';
import { RenderedFile } from '../synth/synth';

/** Fails when two objects share API group, kind, namespace and name (the API server would merge them). */
export function checkDuplicates(files: readonly RenderedFile[]): void {
  const seen = new Map<string, string>();
  for (const f of files) {
    for (const d of f.docs) {
      if (!d || !d.metadata) continue;
      const apiVersion = String(d.apiVersion ?? '');
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      const key = `${group}\0${d.kind}\0${d.metadata.namespace ?? ''}\0${d.metadata.name}`;
      const before = seen.get(key);
      if (before !== undefined) {
        fail({
          path: f.fileName,
          prop: 'metadata.name',
          message: `${d.kind} '${d.metadata.name}'${d.metadata.namespace ? ` in namespace '${d.metadata.namespace}'` : ''} is defined twice (also in ${before})`,
          value: d.metadata.name,
          allowed: 'one object per kind, namespace and name',
          fix: 'give one of the constructs a different id or name, or put it in another namespace',
        });
      }
      seen.set(key, f.fileName);
    }
  }
}
