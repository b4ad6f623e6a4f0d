/**
 * Validation of custom resources against the openAPIV3Schema of their official CRD manifests,
 * vendored in test/support/crds/ (Argo CD v3.5.1 Application, Flux kustomize-controller v1.9.4
 * Kustomization, External Secrets v2.9.0 ExternalSecret; upstream URLs in cdk8s.yaml `imports:`). ajv (devDependency); the Kubernetes
 * extensions (`x-kubernetes-*`) are ignored, unknown fields are rejected where the CRD says so.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';

const CRDS = path.join(__dirname, 'crds');
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
const validators = new Map<string, ReturnType<Ajv['compile']>>();

function load(): void {
  if (validators.size) return;
  for (const file of fs.readdirSync(CRDS).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(CRDS, file), 'utf8'))) {
      const crd = doc.toJS();
      for (const v of crd.spec.versions) {
        validators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(v.schema.openAPIV3Schema));
      }
    }
  }
}

/** The schema errors of a custom resource (an empty list when it is valid); throws for an unknown kind. */
export function crdErrors(obj: any): string[] {
  load();
  const validate = validators.get(`${obj.apiVersion}/${obj.kind}`);
  if (!validate) throw new Error(`no vendored CRD for ${obj.apiVersion} ${obj.kind}`);
  return validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
